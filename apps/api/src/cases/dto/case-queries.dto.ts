import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { decodeCursor } from '../../../../../libs/persistence/src';
import { IsPageCursor, QueryInteger } from '../../common/validators';

export class CaseListQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20, description: '1..100, default 20' })
  @QueryInteger({ min: 1, max: 100, message: 'an integer from 1 to 100' })
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  // An empty cursor is the first page, as it always was.
  @IsPageCursor((cursor) => (cursor === '' ? cursor : decodeCursor(cursor)))
  cursor?: string;
}

export class CaseReadQuery {
  @ApiPropertyOptional({ type: Number, minimum: 0, description: 'the version a 202 answer named; the read waits until the case shows it' })
  @IsOptional()
  @QueryInteger({ min: 0, max: 999_999_999, rule: 'integer', digitsOnly: true, message: 'the version named by a 202 answer' })
  minVersion?: number;
}
