/**
 * The 304 path's load, run by bench/autocannon.ts in a process of its own: autocannon as a
 * browser revalidates a page it keeps. Requests send If-None-Match with the ETag of the last
 * page given, and take the new one when an answer is a 200 (the page changed, or
 * the clock moved on: pages say how long ago things happened, src/plugins/etag.ts). A fixed
 * If-None-Match would be answered 200 for the rest of a run once the tag moved on, which no
 * browser does. Arguments: url, connections, duration (s), headers (JSON). Prints autocannon's
 * result as JSON, as its CLI's --json does.
 */
import autocannon from 'autocannon';

const [url = '', connections = '10', durationS = '10', headersJson = '{}'] = process.argv.slice(2);
const headers = JSON.parse(headersJson) as Record<string, string>;
/**
 * The newest tag any connection was given. Kept here, not in autocannon's per-connection
 * context: with a single request in the list, autocannon clears that context before each one.
 * The connections all ask for the same page with the same session, as one operator's tabs.
 */
let etag = headers['if-none-match'];

const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(durationS),
  headers,
  requests: [
    {
      setupRequest(request) {
        return etag
          ? { ...request, headers: { ...request.headers, 'if-none-match': etag } }
          : request;
      },
      onResponse(status, _body, _context, responseHeaders) {
        const given = responseHeaders?.etag;
        if (status === 200 && typeof given === 'string') etag = given;
      },
    },
  ],
});
process.stdout.write(`${JSON.stringify(result)}\n`);
