import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ConfigurationDetailView } from '../../../components/client-configurations/ConfigurationDetailView.js';
import { ConfigurationForm } from '../../../components/client-configurations/ConfigurationForm.js';
import { noErrors } from '../../../src/forms/errors.js';
import {
  AccessPattern,
  ClientConfigurationSchema,
} from '../../../src/gen/prism/admin/v1/client_configuration_pb.js';
import { routes } from '../../../src/routes/table.js';
import { saveCommand } from '../../../src/views/client-configurations/commands.js';
import { configurationDetail } from '../../../src/views/client-configurations/detail.js';
import { configurationFormValues } from '../../../src/views/client-configurations/form.js';
import { byLabel, byTestId, parse, textOf } from '../namespaces/html.js';

/* What the control plane or an operator wrote is shown as text, never as markup. */

const PAYLOAD = '<img src=x onerror=alert(1)>';

const hostile = create(ClientConfigurationSchema, {
  name: 'orders-kv',
  namespace: 'orders-prod',
  pattern: AccessPattern.KEYVALUE,
  backend: `redis${PAYLOAD}`,
  description: PAYLOAD,
  options: { [`k${PAYLOAD}`]: `"><script>alert(2)</script>` },
  version: 2n,
  updatedBy: PAYLOAD,
});

describe('hostile values', () => {
  it('are text on the detail page', async () => {
    const html = await (
      <ConfigurationDetailView detail={configurationDetail(hostile)} canReadAudit />
    );
    const doc = parse(html);
    expect(doc.querySelector('img, script')).toBeNull();
    expect(textOf(byTestId(doc, 'configuration-description')[0])).toBe(PAYLOAD);
    expect(textOf(byTestId(doc, 'option-entry')[0])).toContain('<script>alert(2)</script>');
    expect(textOf(byTestId(doc, 'updated')[0])).toContain(PAYLOAD);
  });

  it('are values in the form, with the options editor rows', async () => {
    const values = configurationFormValues(hostile, 'req-00000001');
    const html = await (
      <ConfigurationForm
        mode="edit"
        action={routes.clientConfigurations.detail.href({ name: 'orders-kv' })}
        cancelHref={routes.clientConfigurations.detail.href({ name: 'orders-kv' })}
        values={values}
        errors={noErrors()}
        rowErrors={{ 0: PAYLOAD }}
        csrfToken="t"
        choices={{ patterns: { ok: true, items: [] }, backends: { ok: false, why: 'down' } }}
        command={saveCommand('edit', values, { baseUrl: 'http://cp' })}
      />
    );
    const doc = parse(html);
    expect(doc.querySelector('img, script')).toBeNull();
    expect(byLabel(doc, 'Option 1 key').getAttribute('value')).toBe(`k${PAYLOAD}`);
    expect(byLabel(doc, 'Option 1 value').getAttribute('value')).toBe(
      '"><script>alert(2)</script>',
    );
    expect(textOf(byTestId(doc, 'option-error')[0])).toContain(PAYLOAD);
    expect(byLabel(doc, 'Backend').getAttribute('value')).toBe(`redis${PAYLOAD}`);
    // The current pattern is offered even though the control plane listed none.
    expect(textOf(byLabel(doc, 'Access pattern').querySelector('option[selected]'))).toBe(
      'key-value',
    );
    expect(textOf(byTestId(doc, 'copy-command')[0])).toContain(PAYLOAD);
  });
});
