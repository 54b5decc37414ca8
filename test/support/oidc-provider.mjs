// A real OpenID provider (oidc-provider) for the OIDC tests, as a child process: it is ESM-only.
// argv: port, then a JSON file holding { keys: [private JWKs, the first one signs], clients: [ids],
// publicClients?: [{ id, redirectUris }] }. Confidential clients get tokens by client_credentials; public
// clients (the dashboard) by authorization code with PKCE, through the provider's own sign-in pages
// (its development interactions: any login name is the account id, with any password).
// Prints {"ready": issuer} once listening. Restart it with other keys to rotate them.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, file] = process.argv.slice(2);
const { keys, clients, audience, publicClients = [] } = JSON.parse(readFileSync(file, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  jwks: { keys },
  clients: [
    ...clients.map((id) => ({
      client_id: id,
      client_secret: `${id}-secret`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      id_token_signed_response_alg: 'ES256',
    })),
    ...publicClients.map(({ id, redirectUris }) => ({
      client_id: id,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: redirectUris,
      id_token_signed_response_alg: 'ES256',
    })),
  ],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: publicClients.length > 0 },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api', audience, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
provider.listen(Number(port), '127.0.0.1', () => process.stdout.write(JSON.stringify({ ready: issuer }) + '\n'));
