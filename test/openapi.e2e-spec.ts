import { Controller, Get, Module, Post, RequestMethod, type INestApplication } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isPublicEndpoint } from '../apps/api/src/auth/auth.guard';
import { createApi } from '../apps/api/src/bootstrap';
import type { AppConfig } from '../libs/config/src';
import { ensureLocalKeyPair } from '../scripts/local-auth';
import { ROOT } from '../scripts/tools.cjs';
import { startPostgres } from './support/servers';

/**
 * The API's contract is complete: every route the router serves is in the OpenAPI document with a
 * summary, a 2xx answer with a schema, and the problem details (RFC 9457, one shared schema) it can
 * give. A route added without them fails here. Runs the real app on a real Postgres; Temporal's
 * client connects lazily and is not needed to describe the API.
 */

interface Route {
  method: string;
  path: string;
  isPublic: boolean;
}

const METHODS: Record<number, string> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
};
const join2 = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route of every controller the application registered, as Nest's router mapped it. */
function routesOf(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const verb = Reflect.getMetadata(METHOD_METADATA, handler) as number;
        // CORS preflights answer browsers, not clients: no body, no contract to document.
        if (verb === RequestMethod.OPTIONS) continue;
        const method = METHODS[verb] ?? `unknown(${verb})`;
        for (const path of [paths].flat()) routes.push({ method, path: join2(base, path), isPublic: isPublicEndpoint(handler, controller) });
      }
    }
  }
  return routes;
}

const PROBLEM_REF = '#/components/schemas/ProblemDetailsDto';

/** What is missing from the document for each route; empty when the contract is complete. */
export function contractGaps(routes: Route[], doc: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const route of routes) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    const docPath = route.path.replace(/:(\w+)/g, '{$1}');
    const op = (doc.paths[docPath] as Record<string, any> | undefined)?.[route.method];
    if (!op) {
      gaps.push(`${name}: not in the OpenAPI document`);
      continue;
    }
    if (!op.summary?.trim()) gaps.push(`${name}: no operation summary`);
    const responses: Record<string, any> = op.responses ?? {};
    const ok = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
    if (!ok.some(([, r]) => Object.values(r.content ?? {}).some((c: any) => c.schema))) gaps.push(`${name}: no 2xx response with a schema`);
    const expected = new Set<string>(['503']);
    if (!route.isPublic) expected.add('401');
    const takesInput = (op.parameters ?? []).some((p: any) => p.in === 'query') || op.requestBody;
    if (takesInput) expected.add('400');
    if (docPath.includes('{id}')) expected.add('404');
    if (route.method === 'post' || route.method === 'patch') for (const s of ['400', '409', '422']) expected.add(s);
    if (docPath.includes('{id}') && (route.method === 'post' || route.method === 'patch')) expected.add('202');
    for (const status of expected) if (!responses[status]) gaps.push(`${name}: does not document ${status}`);
    for (const [status, r] of Object.entries(responses)) {
      if (Number(status) < 400 || (route.isPublic && status === '503')) continue;
      if (r.content?.['application/problem+json']?.schema?.$ref !== PROBLEM_REF) gaps.push(`${name}: ${status} is not documented as problem details`);
    }
    if (responses['202'] && !JSON.stringify(responses['202'].content ?? {}).includes('AcceptedCommandDto'))
      gaps.push(`${name}: 202 without the AcceptedCommand schema`);
  }
  return gaps;
}

describe('OpenAPI completeness', () => {
  let app: NestFastifyApplication;
  let postgres: { stop(): Promise<void> };
  let keysDir: string;
  let doc: OpenAPIObject;
  let routes: Route[];

  beforeAll(async () => {
    const pg = await startPostgres();
    postgres = pg;
    keysDir = mkdtempSync(join(ROOT, '.data', 'openapi-keys-'));
    const keys = await ensureLocalKeyPair(keysDir);
    const config: AppConfig = {
      database: { url: pg.url },
      temporal: { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'openapi' },
      auth: { issuer: 'mla-engine-test', audience: 'mla-engine', publicKeyFile: keys.publicKeyFile, algorithms: ['ES256'] },
      api: { host: '127.0.0.1', port: 0 },
      logLevel: 'error',
    };
    app = await createApi(config, false);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const res = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = JSON.parse(res.body);
    routes = routesOf(app);
  }, 60000);

  afterAll(async () => {
    await app?.close();
    await postgres?.stop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  it('finds the routes the router serves', () => {
    const fastify = app.getHttpAdapter().getInstance();
    expect(routes.length).toBeGreaterThan(60);
    for (const r of routes) expect(fastify.hasRoute({ method: r.method.toUpperCase() as 'GET', url: r.path })).toBe(true);
    expect(routes).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'post', path: '/extraditions/:id/grant' })]));
  });

  it('documents every route: summary, 2xx schema and the problem responses it can give', () => {
    expect(contractGaps(routes, doc)).toEqual([]);
  });

  it('registers one ProblemDetails schema with errors naming field, rule and message', () => {
    const schemas = doc.components?.schemas as Record<string, any>;
    expect(schemas.ProblemDetailsDto.required).toEqual(expect.arrayContaining(['type', 'title', 'status']));
    expect(schemas.ProblemDetailsDto.properties.errors.items.$ref).toBe('#/components/schemas/FieldProblemDto');
    expect(schemas.FieldProblemDto.required).toEqual(['field', 'rule', 'message']);
  });

  it('describes query parameters from the query DTOs', () => {
    const params = (path: string) => (doc.paths[path] as any).get.parameters.map((p: any) => p.name).sort();
    expect(params('/monitoring/stalled')).toEqual(['cursor', 'days', 'kind', 'legalBasis', 'limit', 'order', 'requested', 'requesting', 'sort']);
    expect(params('/cases')).toEqual(['cursor', 'limit']);
    expect(params('/reference/legal-bases')).toEqual(['date', 'kind', 'requested', 'requesting']);
  });

  it('reports a route added without its contract', async () => {
    @Controller('bare')
    class BareController {
      @Get()
      list() {
        return [];
      }

      @Post(':id/act')
      act() {
        return {};
      }
    }
    @Module({ controllers: [BareController] })
    class BareModule {}
    const bare = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
    try {
      const bareDoc = SwaggerModule.createDocument(bare, new DocumentBuilder().build());
      const gaps = contractGaps(routesOf(bare), bareDoc);
      expect(gaps).toEqual(
        expect.arrayContaining([
          'GET /bare: no operation summary',
          'GET /bare: no 2xx response with a schema',
          'GET /bare: does not document 401',
          'POST /bare/:id/act: does not document 202',
          'POST /bare/:id/act: does not document 404',
        ]),
      );
    } finally {
      await bare.close();
    }
  });
});
