import { Alert } from './Alert.js';

/**
 * Above a delete form after a stale-version conflict: someone else changed the thing after the
 * operator opened the page, nothing was deleted, and the form now shows it as it is.
 */
export function ChangedMeanwhile(props: {
  /** "namespace", "configuration". */
  what: string;
  current: { version: string; updated: string; updatedBy?: string | undefined };
}): JSX.Element {
  const { current: c } = props;
  return (
    <div data-testid="conflict">
      <Alert tone="warning" title={`This ${props.what} changed after you opened this page`}>
        <p safe>
          {`It is now at version ${c.version}, last changed ${c.updated}${
            c.updatedBy ? ` by ${c.updatedBy}` : ''
          }. Nothing was deleted. Check it below and confirm again if you still want to delete it.`}
        </p>
      </Alert>
    </div>
  );
}
