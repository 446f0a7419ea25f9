import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { z } from 'zod';

/*
 * Request input (params, query string, bodies) is validated by zod schemas given in the route
 * definition (src/routes/register.ts), through Fastify's own validation step: the parsed value
 * replaces the raw one, and handlers receive it typed — no casts on request input. Form bodies
 * and list queries use schemas that extract strings and never fail, so a bad value becomes a
 * message beside its field (422), never a bare 400; a failing schema elsewhere is a 400 page.
 */

function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && 'safeParse' in schema;
}

export default fp(
  async (app: FastifyInstance) => {
    app.setValidatorCompiler(({ schema, httpPart }) => {
      if (!isZod(schema))
        throw new Error(`The ${httpPart ?? 'request'} schema is not a zod schema`);
      return (data: unknown) => {
        const parsed = schema.safeParse(data ?? {});
        if (parsed.success) return { value: parsed.data };
        const first = parsed.error.issues[0];
        const where = first?.path.length ? ` (${first.path.join('.')})` : '';
        const error = Object.assign(new Error(`${first?.message ?? 'Invalid input'}${where}`), {
          statusCode: 400,
        });
        return { error };
      };
    });
  },
  { name: 'validation' },
);
