import { applyDecorators, Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * What every route documents besides its request: the shape of its 2xx body, and the RFC 9457
 * problem details it can answer. Controllers use the helpers at the bottom (`@ReadResponses`,
 * `@CommandResponses`, …) so that each route states its contract in one line.
 */

export class FieldProblemDto {
  @ApiProperty({ example: 'requestedState', description: 'the field, as a path into the body or the query parameter name' })
  field!: string;

  @ApiProperty({ example: 'state_code', description: 'the rule the field breaks (class-validator constraint or engine rule)' })
  rule!: string;

  @ApiProperty({ example: 'requestedState must be an ISO 3166-1 alpha-2 code' })
  message!: string;
}

/** What the engine accepted but flags: a field problem, and for a basis not in force the instrument, the State and what is in force. */
export class CaseWarningDto extends FieldProblemDto {
  @ApiPropertyOptional({ example: 'ECOWAS-MLA-1992', description: 'the legal reference the warning rests on' })
  legalRef?: string;

  @ApiPropertyOptional({ example: 'ECOWAS-MLA-1992', description: 'basis_not_in_force: the chosen instrument' })
  instrumentId?: string;

  @ApiPropertyOptional({ example: 'ML', description: 'basis_not_in_force: the State of the pair for which it is not in force' })
  stateCode?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2025-01-29',
    description: "basis_not_in_force: the end of that State's membership, null if it never was a party then",
  })
  membershipEnded?: string | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    example: ['UNTOC-2000'],
    description: 'basis_not_in_force: the instruments in the reference data in force for both States of the pair on the filing date (null when unknown)',
  })
  inForce?: string[] | null;
}

export class ProblemDetailsDto {
  @ApiProperty({ example: '/problems/invalid-query', description: 'a URI reference naming the kind of problem, or about:blank' })
  type!: string;

  @ApiProperty({ example: 'Bad request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiPropertyOptional({ example: '1 problem(s) in the query' })
  detail?: string;

  @ApiPropertyOptional({ example: '/monitoring/stalled', description: 'the path of the request' })
  instance?: string;

  @ApiPropertyOptional({ example: 'INVALID_QUERY', description: 'stable machine-readable code' })
  code?: string;

  @ApiPropertyOptional({ example: 'UNTOC art. 18(15)', description: 'the legal provision of the rule broken, when there is one' })
  legalRef?: string;

  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'one entry per field and rule' })
  errors?: FieldProblemDto[];

  @ApiPropertyOptional({ enum: ['temporal', 'postgres'], description: 'on 503: the dependency that is away' })
  dependency?: 'temporal' | 'postgres';

  @ApiPropertyOptional({ enum: ['BEHIND', 'FAILED'], description: 'on 503 READ_MODEL_BEHIND: why the case record is not current' })
  readModel?: string;

  @ApiPropertyOptional({ description: 'on 503 READ_MODEL_BEHIND: the version Postgres shows' })
  version?: number;
}

/** The 202 body: Temporal took the command, Postgres does not show it yet. */
export class AcceptedCommandDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiPropertyOptional({ description: 'the state the command left the case in' })
  state?: string;

  @ApiPropertyOptional({ description: 'the version to wait for (GET /cases/:id?minVersion=…)' })
  version?: number;

  @ApiProperty({ enum: ['CURRENT', 'BEHIND', 'FAILED'] })
  readModel!: string;

  @ApiProperty({ example: '/cases/0d5c…?minVersion=4', description: 'where to read the case once it shows this version' })
  location!: string;

  @ApiProperty()
  detail!: string;
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 422 | 503;

const PROBLEM_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Bad input: the problem details name each field and the rule it breaks',
  401: 'No valid bearer token, or its subject is not a user of this engine',
  403: 'The action is not the actor’s (the reason names who may take it)',
  404: 'No case with this id visible to the actor',
  409: 'Conflict with the state of the case, or a request with this Idempotency-Key still in flight (Retry-After)',
  422: 'The request breaks a rule of the engine (each problem named), or its Idempotency-Key was used for another request',
  503: 'A dependency (PostgreSQL, Temporal) is away, or the case record is behind: nothing changed, retry after Retry-After',
};

/** Problem-details answers with the ProblemDetails schema, as `application/problem+json`. */
export function Problems(...statuses: ProblemStatus[]): MethodDecorator {
  const schema = { $ref: getSchemaPath(ProblemDetailsDto) };
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: PROBLEM_DESCRIPTIONS[status], content: { 'application/problem+json': { schema } } })),
  );
}

type Body = Type<unknown> | [Type<unknown>];

const ok = (type: Body, description: string, status = 200) =>
  Array.isArray(type) ? ApiResponse({ status, description, type: type[0], isArray: true }) : ApiResponse({ status, description, type });

/** A read by an authenticated user: its body, and the problems every read can give. */
export function ReadResponses(type: Body, ...problems: ProblemStatus[]): MethodDecorator {
  return applyDecorators(ok(type, 'OK'), Problems(...new Set<ProblemStatus>([401, ...problems, 503])));
}

/** A read that answers a file (CSV, Prometheus text) rather than JSON. */
export function FileResponses(mediaType: string, description: string, ...problems: ProblemStatus[]): MethodDecorator {
  return applyDecorators(
    ApiResponse({ status: 200, description, content: { [mediaType]: { schema: { type: 'string' } } } }),
    Problems(...new Set<ProblemStatus>([401, ...problems, 503])),
  );
}

/**
 * A command on an existing case: 200 with what it reads after the command, 202 when Temporal took
 * it and Postgres does not show it yet, and every refusal a command can meet (bad body or
 * Idempotency-Key, not the actor's, no such case, wrong state, a broken rule, a dependency away).
 */
export function CommandResponses(type: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ok(type, 'The command took effect: the case as it now reads'),
    ApiResponse({ status: 202, description: 'Taken by the case workflow; read the case at `location` until it shows `version`', type: AcceptedCommandDto }),
    Problems(400, 401, 403, 404, 409, 422, 503),
  );
}

/** Filing a new case: 201 created, 200 when an Idempotency-Key replays the first filing, 202 when the record is behind. */
export function FilingResponses(type: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ok(type, 'The case was filed (Location: /cases/:id)', 201),
    ok(type, 'A retry with the same Idempotency-Key: the case the first request filed'),
    ApiResponse({ status: 202, description: 'Filed; the case record is being written: read it at `location`', type: AcceptedCommandDto }),
    Problems(400, 401, 403, 409, 422, 503),
  );
}
