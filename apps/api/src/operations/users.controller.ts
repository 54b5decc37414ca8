import { applyDecorators, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor } from '../auth/auth.guard';
import type { UserStatus } from '../auth/user-directory';
import { Problems } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { DirectoryAdministration } from '../directory/directory-administration';

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

class UserStatusDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: ['ENABLED', 'DISABLED'] })
  status!: UserStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  disabledAt!: string | null;
}

/** What both routes answer; a POST, so the Idempotency-Key rules apply too (400, 409, 422). */
const UserStatusResponses = () =>
  applyDecorators(ApiResponse({ status: 200, description: 'The user and their status now', type: UserStatusDto }), Problems(400, 401, 403, 404, 409, 422, 503));

/**
 * Disabling and enabling users: for a leaver or a leaked token, effective from the user's next request.
 * By an ADMIN of the user's State (another State's users do not exist for them), recorded in the
 * directory changes like every other change of the directory (POST /directory/users/:userId/disable).
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('operations/users')
export class UsersController {
  constructor(@Inject(DirectoryAdministration) private readonly directory: DirectoryAdministration) {}

  @Post(':userId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user (ADMIN): every request with any of their tokens is refused from now on' })
  @UserStatusResponses()
  disable(@CurrentActor() actor: Actor, @Param('userId') userId: string) {
    return this.change(actor, userId, 'DISABLED');
  }

  @Post(':userId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled user again (ADMIN)' })
  @UserStatusResponses()
  enable(@CurrentActor() actor: Actor, @Param('userId') userId: string) {
    return this.change(actor, userId, 'ENABLED');
  }

  private async change(actor: Actor, userId: string, status: UserStatus) {
    if (!actor.roles.includes('ADMIN')) throw ProblemException.of(403, 'FORBIDDEN_ACTION', 'only an ADMIN may disable or enable users');
    if (!USER_ID.test(userId)) throw ProblemException.of(404, 'USER_NOT_FOUND', 'no such user');
    const user = await this.directory.setUserStatus(actor, userId, status);
    return { id: user.id, status: user.status, disabledAt: user.disabledAt };
  }
}
