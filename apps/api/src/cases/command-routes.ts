// Which route runs each command of each kind of case, and the fields its body takes: read from the
// controllers' own route metadata and the DTO classes their validation pipe checks, so that what
// `GET /cases/:id/actions` announces is what the route validates. The table names handler methods, so
// the compiler keeps it in step with the controllers; a unit test checks every command has its route.
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { CaseKindName } from '../../../../libs/domain/src';
import { CasesController } from './cases.controller';
import { ExtraditionsController } from '../extraditions/extraditions.controller';

/** Where @nestjs/swagger keeps a DTO's documented properties (its `DECORATORS` constants; the package does not export them). */
const DECORATORS = { API_MODEL_PROPERTIES: 'swagger/apiModelProperties', API_MODEL_PROPERTIES_ARRAY: 'swagger/apiModelPropertiesArray' };

type Handler<C> = { controller: Type<C>; method: keyof C & string };
const mla = (method: keyof CasesController & string): Handler<CasesController> => ({ controller: CasesController, method });
const ext = (method: keyof ExtraditionsController & string): Handler<ExtraditionsController> => ({ controller: ExtraditionsController, method });

/** Command type → handler, per kind of case. Commands only the system runs (LINK_CONFLICT) have no route. */
export const COMMAND_HANDLERS: Record<CaseKindName, Record<string, Handler<any>>> = {
  MLA: {
    SUBMIT: mla('submit'),
    AMEND: mla('amend'),
    APPROVE: mla('approve'),
    RETURN_FOR_CORRECTION: mla('returnForCorrection'),
    RESUBMIT: mla('resubmit'),
    OVERRIDE_BASIS: mla('overrideBasis'),
    REPIN_RULE_PACK: mla('repin'),
    ATTACH_TRANSLATION: mla('translation'),
    TRANSMIT: mla('transmit'),
    CONFIRM_IN_WRITING: mla('confirmInWriting'),
    ACKNOWLEDGE: mla('acknowledge'),
    REQUEST_INFO: mla('requestInfo'),
    PROVIDE_INFO: mla('provideInfo'),
    OPEN_CONSULTATION: mla('consult'),
    CONSULTATION_REPLY: mla('consultationReply'),
    REFUSE: mla('refuse'),
    POSTPONE: mla('postpone'),
    RESUME: mla('resume'),
    EXTEND_RECOGNITION: mla('extendRecognition'),
    ACCEPT: mla('accept'),
    FORWARD_ITEMS: mla('forward'),
    RECORD_EXECUTION: mla('executed'),
    TRANSMIT_RESULTS: mla('results'),
    CONFIRM_RECEIPT: mla('confirmReceipt'),
    WITHDRAW: mla('withdraw'),
    NOTE: mla('note'),
    ASSIGN: mla('assign'),
  },
  EXTRADITION: {
    RECORD_ARREST: ext('arrest'),
    SUBMIT: ext('submit'),
    RETURN_FOR_CORRECTION: ext('returnForCorrection'),
    RESUBMIT: ext('resubmit'),
    APPROVE: ext('approve'),
    OVERRIDE_BASIS: ext('overrideBasis'),
    AMEND_BASIS: ext('amendBasis'),
    TRANSMIT: ext('transmit'),
    RECEIVE_FORMAL_REQUEST: ext('receive'),
    REQUEST_REARREST: ext('rearrest'),
    OPEN_JUDICIAL_PHASE: ext('judicial'),
    COURT_REQUEST_INFO: ext('courtInfo'),
    PROVIDE_INFO: ext('provideInfo'),
    RECORD_CONSENT: ext('consent'),
    COURT_DECISION: ext('courtDecision'),
    APPEAL: ext('appeal'),
    REFER_TO_EXECUTIVE: ext('executive'),
    OPEN_CONSULTATION: ext('consult'),
    CONSULTATION_REPLY: ext('reply'),
    REQUEST_DOMESTIC_PROSECUTION: ext('domesticRequest'),
    RECORD_CONFLICT_CHOICE: ext('choice'),
    GRANT: ext('grant'),
    REFUSE: ext('refuse'),
    SCHEDULE_SURRENDER: ext('surrenderDate'),
    FORCE_MAJEURE: ext('forceMajeure'),
    RECORD_SURRENDER: ext('surrendered'),
    DECIDE_ON_RELEASE: ext('releaseDecision'),
    WITHDRAW: ext('withdraw'),
    NOTE: ext('note'),
    ASSIGN: mla('assign'),
  },
  DOMESTIC_PROSECUTION: {
    RECORD_PROGRESS: ext('progress'),
    NOTE: ext('domesticNote'),
  },
};

export interface CommandField {
  name: string;
  required: boolean;
  type: string;
  isArray?: boolean;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  description?: string;
}

export interface CommandRoute {
  method: 'POST' | 'PATCH';
  /** The route with `{id}` (and `{itemId}`) to fill in. */
  path: string;
  fields: CommandField[];
}

const routes = new Map<string, CommandRoute | null>();

/** The route and body fields of a command of a kind of case, or null when no route runs it. */
export function commandRoute(kind: CaseKindName, command: string): CommandRoute | null {
  const key = `${kind}:${command}`;
  if (!routes.has(key)) {
    const handler = Object.prototype.hasOwnProperty.call(COMMAND_HANDLERS[kind], command) ? COMMAND_HANDLERS[kind][command] : undefined;
    routes.set(key, handler ? routeOf(handler) : null);
  }
  return routes.get(key)!;
}

function routeOf({ controller, method }: Handler<unknown>): CommandRoute {
  const fn = (controller.prototype as Record<string, unknown>)[method] as object;
  const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const own = String(Reflect.getMetadata(PATH_METADATA, fn) ?? '');
  const verb = Reflect.getMetadata(METHOD_METADATA, fn) === RequestMethod.PATCH ? 'PATCH' : 'POST';
  const path = `/${[prefix, own].filter((p) => p && p !== '/').join('/')}`.replace(/:([A-Za-z]+)/g, '{$1}');
  return { method: verb, path, fields: bodyFields(controller, method) };
}

function bodyFields(controller: Type<unknown>, method: string): CommandField[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number }>;
  const body = Object.entries(args).find(([key]) => key.split(':')[0] === String(RouteParamtypes.BODY));
  if (!body) return [];
  const types = Reflect.getMetadata('design:paramtypes', controller.prototype as object, method) as Array<Type<unknown>>;
  return dtoFields(types[body[1].index]);
}

/** A DTO's fields as its OpenAPI metadata describes them (the same decorators document and validate). */
export function dtoFields(dto: Type<unknown> | undefined): CommandField[] {
  if (!dto?.prototype) return [];
  const names = ((Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) ?? []) as string[]).map((n) => n.replace(/^:/, ''));
  return [...new Set(names)].map((name) => {
    const p = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name) ?? {}) as Record<string, unknown>;
    const field: CommandField = { name, required: p.required !== false, type: typeName(p.type) };
    if (p.isArray) field.isArray = true;
    if (Array.isArray(p.enum)) field.enum = p.enum;
    else if (p.enum && typeof p.enum === 'object') field.enum = Object.values(p.enum);
    if (typeof p.format === 'string') field.format = p.format;
    if (typeof p.maxLength === 'number') field.maxLength = p.maxLength;
    if (typeof p.description === 'string') field.description = p.description;
    return field;
  });
}

function typeName(t: unknown): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return typeName(t[0]);
  if (t === String) return 'string';
  if (t === Number) return 'number';
  if (t === Boolean) return 'boolean';
  return 'object';
}
