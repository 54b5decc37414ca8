import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthConfig } from '../../../../libs/config/src';
import { describeError } from '../../../../libs/logging/src';
import { Problems } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { Public } from './auth.guard';

export const DASHBOARD_SIGN_IN = Symbol('DASHBOARD_SIGN_IN');
export type DashboardSignInOptions = Pick<AuthConfig, 'issuer' | 'audience' | 'dashboardClientId' | 'dashboardScopes'>;

class OpenIdSignInDto {
  @ApiProperty({ description: 'The OpenID provider (AUTH_ISSUER)' })
  issuer!: string;

  @ApiProperty({ description: 'The dashboard’s public client id at the provider (AUTH_DASHBOARD_CLIENT_ID); no secret: PKCE protects the code' })
  clientId!: string;

  @ApiProperty({ description: 'Where the browser is sent to sign in (from the issuer’s discovery document)' })
  authorizationEndpoint!: string;

  @ApiProperty({ description: 'Where the dashboard exchanges the code and its verifier for an access token' })
  tokenEndpoint!: string;

  @ApiProperty({ description: 'Scopes asked for (AUTH_DASHBOARD_SCOPES)' })
  scope!: string;

  @ApiProperty({ description: 'Resource indicator (RFC 8707) the access token is asked for: the engine’s audience' })
  resource!: string;
}

class DashboardConfigDto {
  @ApiPropertyOptional({ type: OpenIdSignInDto, nullable: true, description: 'Absent (null) when the dashboard signs in by pasted token only' })
  openId!: OpenIdSignInDto | null;
}

interface Discovery {
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
}

/**
 * What the dashboard needs to sign a user in through the OpenID provider (authorization code with
 * PKCE): the provider's endpoints, read once from its discovery document, and the dashboard's public
 * client id. Public: the sign-in page reads it before anyone has a token; it holds no secret.
 */
@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardSignInController {
  private discovered?: Promise<{ authorizationEndpoint: string; tokenEndpoint: string }>;

  constructor(@Inject(DASHBOARD_SIGN_IN) private readonly options: DashboardSignInOptions) {}

  @Public()
  @Get('config.json')
  @ApiOperation({ summary: 'How the dashboard signs users in: the OpenID provider’s endpoints and the public client id, or null for pasted tokens only' })
  @ApiResponse({ status: 200, description: 'The sign-in configuration', type: DashboardConfigDto })
  @Problems(503)
  async config(): Promise<DashboardConfigDto> {
    const { issuer, audience, dashboardClientId, dashboardScopes } = this.options;
    if (!dashboardClientId) return { openId: null };
    const endpoints = await this.endpoints();
    return { openId: { issuer, clientId: dashboardClientId, ...endpoints, scope: dashboardScopes ?? 'openid', resource: audience } };
  }

  private endpoints(): Promise<{ authorizationEndpoint: string; tokenEndpoint: string }> {
    this.discovered ??= this.discover().catch((err) => {
      // Not kept: the next request asks the provider again.
      this.discovered = undefined;
      throw ProblemException.of(503, 'IDENTITY_PROVIDER_UNAVAILABLE', `the OpenID provider's discovery document could not be read (${describeError(err)})`);
    });
    return this.discovered;
  }

  private async discover(): Promise<{ authorizationEndpoint: string; tokenEndpoint: string }> {
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    if (!res.ok) throw Object.assign(new Error('discovery failed'), { name: 'DiscoveryError', code: `HTTP_${res.status}` });
    const doc = (await res.json()) as Discovery;
    if (typeof doc.authorization_endpoint !== 'string' || typeof doc.token_endpoint !== 'string') {
      throw Object.assign(new Error('discovery incomplete'), { name: 'DiscoveryError', code: 'NO_ENDPOINTS' });
    }
    return { authorizationEndpoint: doc.authorization_endpoint, tokenEndpoint: doc.token_endpoint };
  }
}
