import { Window } from 'happy-dom';

/** Parses HTML the way a browser would, so tests query what an operator sees. */
export function parseHtml(html: string): Document {
  const window = new Window({ settings: { disableJavaScriptEvaluation: true } });
  const document = window.document as unknown as Document;
  document.write(html);
  return document;
}

/** Text of an element with whitespace collapsed, as a reader sees it. */
export function textOf(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
