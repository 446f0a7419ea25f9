// The demo identity provider's clients, as oidc-provider's static client metadata: the console
// that operators sign in to, and service clients — a console replica signing in as itself with
// the client-credentials grant (its one Watch, and reads shared between operators).

import type { ClientMetadata } from 'oidc-provider';

export interface IdentityProviderClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Shown on the sign-in and sign-out pages; default none. */
  name?: string;
}

/**
 * A client that acts as itself, never for a person: client_credentials only, no redirect URIs.
 * Its access tokens carry `sub` = the client id and these groups, so the control plane gives it
 * the role they map to as it would an operator's.
 */
export interface IdentityProviderServiceClient {
  clientId: string;
  clientSecret: string;
  groups: string[];
}

export function clientMetadata(client: IdentityProviderClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    ...(client.name ? { client_name: client.name } : {}),
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // client_secret_post is accepted as well: oidc-provider takes either for a secret-based client.
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

export function serviceClientMetadata(client: IdentityProviderServiceClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: [],
    grant_types: ['client_credentials'],
    // No response types: it can never start a sign-in at the authorization endpoint.
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
