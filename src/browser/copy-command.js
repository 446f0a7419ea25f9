/*
 * "Copy as command" (components/ui/CopyCommand.tsx): reveals the Copy buttons when the browser
 * can copy (the Clipboard API needs a secure context), copies the command beside a button, and
 * says so in the button's status line. Without this script the buttons stay hidden and the
 * command stays plain, selectable text. Served as a hashed asset (scripts/build-assets.ts):
 * the CSP allows no inline script.
 */
(() => {
  if (!navigator.clipboard || !window.isSecureContext) return;

  const reveal = (root) => {
    for (const button of root.querySelectorAll('[data-copy-command]')) button.hidden = false;
  };
  document.addEventListener('DOMContentLoaded', () => reveal(document));
  // Content htmx swaps in (a form sent back with messages) brings its own hidden button.
  document.addEventListener('htmx:load', (event) => {
    if (event.target instanceof Element) reveal(event.target);
  });

  // A command that changed as the operator typed has not been copied yet.
  document.addEventListener('htmx:afterSwap', (event) => {
    const region =
      event.target instanceof Element ? event.target.closest('[data-copy-region]') : null;
    const status = region?.querySelector('[data-copy-status]');
    if (status) status.textContent = '';
  });

  document.addEventListener('click', async (event) => {
    const button =
      event.target instanceof Element ? event.target.closest('[data-copy-command]') : null;
    const region = button?.closest('[data-copy-region]');
    if (!region) return;
    const status = region.querySelector('[data-copy-status]');
    const code = region.querySelector('[data-command]');
    const say = (text) => {
      if (status) status.textContent = text;
    };
    if (!code) {
      say('Nothing to copy yet: fill in the form first.');
      return;
    }
    try {
      await navigator.clipboard.writeText(code.textContent ?? '');
      say('Copied');
    } catch {
      say('Could not copy: select the command and copy it.');
    }
  });
})();
