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
