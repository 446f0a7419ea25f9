import { describe, expect, it } from 'vitest';
import { COPY_COMMAND_ID, CommandText, CopyCommand } from '../../../components/ui/CopyCommand.js';
import { AdminService } from '../../../src/gen/prism/admin/v1/admin_service_pb.js';
import { trustedUrl } from '../../../src/html/url.js';
import { bufCurl } from '../../../src/views/commands.js';
import { parseHtml, textOf } from '../../dom.js';

const render = async (element: JSX.Element) => parseHtml(`<body>${await element}</body>`);

const hostile = `</code><script>alert(1)</script> it's $(id)`;
const command = bufCurl(
  AdminService.method.terminateClientSession,
  { id: 'sess-1', reason: hostile, requestId: 'req-12345678' },
  { baseUrl: 'http://127.0.0.1:8981' },
);

describe('CopyCommand', () => {
  it('is a closed disclosure with the command as plain, escaped text', async () => {
    const doc = await render(<CopyCommand command={command} />);
    const details = doc.querySelector('details[data-testid="copy-command"]');
    expect(details?.hasAttribute('open')).toBe(false);
    expect(textOf(details?.querySelector('summary'))).toBe('Copy as command');
    // Exactly the command, markup included as text: nothing of it became an element.
    expect(doc.querySelector('[data-command]')?.textContent).toBe(command);
    expect(doc.querySelector('script')).toBeNull();
  });

  it('explains the token, the schema and the request id', async () => {
    const withSchema = bufCurl(
      AdminService.method.terminateClientSession,
      { id: 'sess-1' },
      { baseUrl: 'http://127.0.0.1:8981', schema: 'http://console/assets/prism-admin.1.binpb' },
    );
    const text = textOf((await render(<CopyCommand command={withSchema} />)).body);
    expect(text).toContain('PRISM_TOKEN');
    expect(text).toContain('never contains it');
    expect(text).toContain('no gRPC reflection');
    expect(text).toContain('one change, not two');
    // A command without a schema asks the server for it: the help does not promise otherwise.
    const bare = textOf((await render(<CopyCommand command={command} />)).body);
    expect(bare).not.toContain('no gRPC reflection');
    expect(bare).toContain('gRPC reflection');
  });

  it('has a Copy button, hidden until the script reveals it, and a status line for "Copied"', async () => {
    const doc = await render(<CopyCommand command={command} />);
    const button = doc.querySelector('button[data-copy-command]');
    expect(button?.getAttribute('type')).toBe('button');
    expect(button?.hasAttribute('hidden')).toBe(true);
    expect(textOf(button)).toBe('Copy command');
    expect(doc.querySelector('[data-copy-status]')?.getAttribute('role')).toBe('status');
  });

  it('follows the form with htmx only when given where the form posts', async () => {
    const still = await render(<CopyCommand command={command} />);
    expect(still.querySelector(`#${COPY_COMMAND_ID}`)?.hasAttribute('hx-post')).toBe(false);
    const live = await render(<CopyCommand command={command} live={trustedUrl('/namespaces')} />);
    const region = live.querySelector(`#${COPY_COMMAND_ID}`);
    expect(region?.getAttribute('hx-post')).toBe('/namespaces');
    expect(region?.getAttribute('hx-trigger')).toContain('from:closest form');
    expect(region?.getAttribute('hx-swap')).toBe('innerHTML');
    // No live region announcement: the command is not read out on every keystroke.
    expect(region?.hasAttribute('aria-live')).toBe(false);
  });

  it('says what the form still needs, with or without a command', async () => {
    const none = await render(
      <CommandText command={{ command: undefined, missing: ['Name: Enter a name.'] }} />,
    );
    expect(none.querySelector('[data-command]')).toBeNull();
    expect(textOf(none.body)).toContain('The command appears once the form makes a request');
    expect(textOf(none.body)).toContain('Name: Enter a name.');
    const partial = await render(
      <CommandText command={{ command, missing: ['Reason: give one before running it.'] }} />,
    );
    expect(partial.querySelector('[data-command]')?.textContent).toBe(command);
    expect(textOf(partial.body)).toContain('Before running it:');
  });
});
