/**
 * `node dist/scripts/healthcheck.js <url>`: exit 0 when the URL answers 200 within 4 s, 1 otherwise. The
 * container healthchecks of docker-compose.yml use it: the production image has Node, not curl.
 */
async function main(url: string | undefined): Promise<number> {
  if (!url) {
    process.stderr.write('usage: healthcheck <url>\n');
    return 2;
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
    if (res.status === 200) return 0;
    process.stderr.write(`${url}: ${res.status} ${await res.text()}\n`);
  } catch (err) {
    process.stderr.write(`${url}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  return 1;
}

void main(process.argv[2]).then((code) => process.exit(code));
