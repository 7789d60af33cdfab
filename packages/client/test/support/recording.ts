// Client options whose fetch answers every request with `handler(url, body)` as JSON and records it:
// the paging tests serve a data set page by page this way and check what each page asked for.
export interface Recorded {
  url: URL;
  body: any;
}

export function recordingOptions(handler: (url: URL, body: any) => unknown) {
  const seen: Recorded[] = [];
  const options = {
    apiKey: "pagination-test-key",
    baseUrl: "http://127.0.0.1:9/api/v1",
    maxRetries: 0,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const text = await request.text();
      const body = text ? JSON.parse(text) : undefined;
      seen.push({ url, body });
      return Response.json(handler(url, body));
    },
  };
  return { options, seen };
}
