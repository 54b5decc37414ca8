import { applyDecorators, Controller, HttpCode, Inject, Logger, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor } from '../auth/auth.guard';
import { UserDirectory, type UserStatus } from '../auth/user-directory';
import { Problems } from '../common/openapi';
import { ProblemException } from '../common/problem';

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

/** Disabling and enabling users: for a leaver or a leaked token, effective from the user's next request. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('operations/users')
export class UsersController {
  // The audit line names ids only: who acted, on whom, what; never names or other personal data.
  private readonly logger = new Logger('user-admin');

  constructor(@Inject(UserDirectory) private readonly users: UserDirectory) {}

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
    if (status === 'DISABLED' && userId === actor.userId) {
      throw ProblemException.of(422, 'CANNOT_DISABLE_SELF', 'an ADMIN cannot disable their own account; ask another ADMIN');
    }
    const result = await this.users.setStatus(userId, status, actor.userId);
    if (!result) throw ProblemException.of(404, 'USER_NOT_FOUND', 'no such user');
    this.logger.log(JSON.stringify({ event: status === 'DISABLED' ? 'user.disabled' : 'user.enabled', actorId: actor.userId, userId }));
    return result;
  }
}
