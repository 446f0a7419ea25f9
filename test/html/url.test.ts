import { describe, expect, it } from 'vitest';
import { anchorHref, safeHref } from '../../src/html/url.js';

describe('safeHref', () => {
  it('keeps same-origin paths and http(s) URLs', () => {
    expect(safeHref('/namespaces/orders?q=a')).toBe('/namespaces/orders?q=a');
    expect(safeHref('https://grafana.example/d/prism')).toBe('https://grafana.example/d/prism');
    expect(safeHref('http://10.0.0.1:3000/x')).toBe('http://10.0.0.1:3000/x');
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    ' javascript:alert(1)',
    '\u0001javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'ftp://files.example',
    'not a url',
    '',
    `/${'a'.repeat(2048)}`,
  ])('refuses %j', (value) => {
    expect(safeHref(value)).toBeUndefined();
  });

  it('makes in-page anchors from ids', () => {
    expect(anchorHref('namespace-max-rps')).toBe('#namespace-max-rps');
    expect(anchorHref('a"b')).toBe('#a%22b');
  });
});
