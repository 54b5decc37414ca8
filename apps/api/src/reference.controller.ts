import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Actor } from '../../../libs/domain/src';
import { ReferenceQueries } from '../../../libs/persistence/src';
import { CurrentActor } from './auth/auth.guard';

@ApiTags('reference')
@ApiBearerAuth()
@Controller()
export class ReferenceController {
  private readonly reference: ReferenceQueries;

  constructor(@Inject(DataSource) db: DataSource) {
    this.reference = new ReferenceQueries(db);
  }

  @Get('me')
  @ApiOperation({ summary: 'The authenticated user: roles, State, authority, liaison postings' })
  me(@CurrentActor() actor: Actor) {
    return actor;
  }

  @Get('reference/states')
  states() {
    return this.reference.states();
  }

  @Get('reference/instruments')
  @ApiOperation({ summary: 'Legal instruments with their parties and party dates' })
  instruments() {
    return this.reference.instruments();
  }
}
