import { applyDecorators, Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor } from '../auth/auth.guard';
import { Problems, ReadResponses } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { DirectoryAdministration, type DirectoryUser } from './directory-administration';
import {
  CreateAuthorityDto,
  CreateUserDto,
  DirectoryAuthorityDto,
  DirectoryChangesPageDto,
  DirectoryChangesQuery,
  DirectoryUserDto,
  UpdateAuthorityDto,
  UpdateUserDto,
} from './directory.dto';

/** What a create answers: 201 with the record, and the refusals (bad body or Idempotency-Key, not an ADMIN of the State, taken ids, a broken rule). */
const Created = (type: typeof DirectoryAuthorityDto | typeof DirectoryUserDto, ...problems: Array<404 | 409>) =>
  applyDecorators(
    ApiResponse({ status: 201, description: 'Created (and recorded in the directory changes)', type }),
    Problems(400, 401, 403, ...problems, 409, 422, 503),
  );

/** An id in a path: anything else than an id's characters names nothing (the network secretariat's id has no State code). */
const PATH_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const authorityId = (id: string) => {
  if (!PATH_ID.test(id)) throw ProblemException.of(404, 'AUTHORITY_NOT_FOUND', 'no such authority in your State');
  return id;
};
const userId = (id: string) => {
  if (!PATH_ID.test(id)) throw ProblemException.of(404, 'USER_NOT_FOUND', 'no such user');
  return id;
};
/** The user as the directory shows them (the disabling time stays in the changes). */
const shown = ({ disabledAt: _, ...user }: DirectoryUser): DirectoryUserDto => user;

/**
 * A State's directory, administered by its own administrators so that a ministry onboards its people
 * without editing seed files: authorities and users are created, changed, disabled and enabled here,
 * every change recorded in `directory_changes`. Another State's directory does not exist for them (404).
 */
@ApiTags('directory')
@ApiBearerAuth()
@Controller('directory')
export class DirectoryController {
  constructor(@Inject(DirectoryAdministration) private readonly directory: DirectoryAdministration) {}

  @Get('changes')
  @ApiOperation({
    summary: "The changes of the ADMIN's State's directory, newest first: who changed which authority or user, how, the record before and after",
  })
  @ReadResponses(DirectoryChangesPageDto, 400, 403)
  async changes(@CurrentActor() actor: Actor, @Query() q: DirectoryChangesQuery) {
    const items = await this.directory.changes(actor, q);
    return { items, nextBefore: items.length === q.limit ? items[items.length - 1].id : null };
  }

  @Post('authorities')
  @ApiOperation({ summary: "Create an authority of the ADMIN's own State (id starting with the State's code)" })
  @Created(DirectoryAuthorityDto, 404)
  createAuthority(@CurrentActor() actor: Actor, @Body() body: CreateAuthorityDto) {
    return this.directory.createAuthority(actor, body);
  }

  @Patch('authorities/:authorityId')
  @ApiOperation({ summary: "Rename an authority of the ADMIN's State, or change its kind" })
  @ReadResponses(DirectoryAuthorityDto, 400, 403, 404, 409, 422)
  updateAuthority(@CurrentActor() actor: Actor, @Param('authorityId') id: string, @Body() body: UpdateAuthorityDto) {
    return this.directory.updateAuthority(actor, authorityId(id), body);
  }

  @Post('authorities/:authorityId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: "Disable an authority of the ADMIN's State: its users are refused from their next request on" })
  @ReadResponses(DirectoryAuthorityDto, 400, 403, 404, 409, 422)
  disableAuthority(@CurrentActor() actor: Actor, @Param('authorityId') id: string) {
    return this.directory.setAuthorityStatus(actor, authorityId(id), 'DISABLED');
  }

  @Post('authorities/:authorityId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: "Enable a disabled authority of the ADMIN's State again" })
  @ReadResponses(DirectoryAuthorityDto, 400, 403, 404, 409, 422)
  enableAuthority(@CurrentActor() actor: Actor, @Param('authorityId') id: string) {
    return this.directory.setAuthorityStatus(actor, authorityId(id), 'ENABLED');
  }

  @Post('users')
  @ApiOperation({
    summary: "Create a user at an authority of the ADMIN's State, with the roles the ADMIN may grant, signing in with the given OpenID subject",
  })
  @Created(DirectoryUserDto)
  async createUser(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return shown(await this.directory.createUser(actor, body));
  }

  @Patch('users/:userId')
  @ApiOperation({ summary: "Change a user of the ADMIN's State: roles, authority, display name, OpenID subject" })
  @ReadResponses(DirectoryUserDto, 400, 403, 404, 409, 422)
  async updateUser(@CurrentActor() actor: Actor, @Param('userId') id: string, @Body() body: UpdateUserDto) {
    return shown(await this.directory.updateUser(actor, userId(id), body));
  }

  @Post('users/:userId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: "Disable a user of the ADMIN's State: every request with any of their tokens is refused from now on" })
  @ReadResponses(DirectoryUserDto, 400, 403, 404, 409, 422)
  async disableUser(@CurrentActor() actor: Actor, @Param('userId') id: string) {
    return shown(await this.directory.setUserStatus(actor, userId(id), 'DISABLED'));
  }

  @Post('users/:userId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: "Enable a disabled user of the ADMIN's State again" })
  @ReadResponses(DirectoryUserDto, 400, 403, 404, 409, 422)
  async enableUser(@CurrentActor() actor: Actor, @Param('userId') id: string) {
    return shown(await this.directory.setUserStatus(actor, userId(id), 'ENABLED'));
  }
}
