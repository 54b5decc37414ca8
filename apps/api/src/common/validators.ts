import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isCalendarDate, isInstant, isUuid } from '../../../../libs/persistence/src/typed-values';

/**
 * Shared DTO validators for the values that reach Postgres typed. Each names its rule (the
 * constraint key becomes `rule` in the problem details) and checks by round trip, so that
 * `2031-02-30` or `0000-01-01` is a 400 here and never a projection Postgres refuses.
 */

/** A calendar day written YYYY-MM-DD, years 0001 to 9999. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'calendar_date',
      validator: {
        validate: (value) => isCalendarDate(value),
        defaultMessage: (args) => `${args?.property} must be a calendar date (YYYY-MM-DD, a day that exists, years 0001 to 9999)`,
      },
    },
    options,
  );
}

/** An instant in strict ISO 8601 with an offset (2025-03-04T10:00:00Z, 2025-03-04T11:00+01:00), years 1900 to 9999. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'iso_instant',
      validator: {
        validate: (value) => isInstant(value),
        defaultMessage: (args) => `${args?.property} must be an ISO 8601 instant with a time and an offset (e.g. 2025-03-04T10:00:00Z)`,
      },
    },
    options,
  );
}

/** A case id: a uuid in its canonical lower-case form. */
export function IsCaseId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'case_id',
      validator: {
        validate: (value) => isUuid(value),
        defaultMessage: (args) => `${args?.property} must be a case id (a lower-case uuid)`,
      },
    },
    options,
  );
}

/** An ISO 3166-1 alpha-2 State code (SN, NG, IT). */
export function IsStateCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'state_code',
      validator: {
        validate: (value) => typeof value === 'string' && /^[A-Z]{2}$/.test(value),
        defaultMessage: (args) => `${args?.property} must be an ISO 3166-1 alpha-2 code`,
      },
    },
    options,
  );
}

/**
 * A whole number given as a query parameter, converted before it is checked: `range` (or the rule
 * named) when it is not an integer from `min` to `max`. With `digitsOnly`, only plain digits count
 * (no sign, exponent or blanks), no more of them than `max` has.
 */
export function QueryInteger(o: { min: number; max: number; rule?: string; digitsOnly?: boolean; message?: string }): PropertyDecorator {
  const digits = new RegExp(`^\\d{1,${String(o.max).length}}$`);
  const toNumber = Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    return o.digitsOnly && !digits.test(value) ? Number.NaN : Number(value);
  });
  const check = ValidateBy(
    {
      name: o.rule ?? 'range',
      validator: {
        validate: (value) => typeof value === 'number' && Number.isInteger(value) && value >= o.min && value <= o.max,
        defaultMessage: (args) => `${args?.property} must be an integer from ${o.min} to ${o.max}`,
      },
    },
    o.message ? { message: o.message } : undefined,
  );
  return (target, key) => {
    toNumber(target, key);
    check(target, key);
  };
}

/** A keyset cursor this API issued (the `nextCursor` of a previous page), checked by the list's own decoder. */
export function IsPageCursor(decode: (cursor: string) => unknown, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'format',
      validator: {
        validate: (value) => typeof value === 'string' && decode(value) !== null,
        defaultMessage: () => 'use nextCursor from the previous page',
      },
    },
    options,
  );
}
