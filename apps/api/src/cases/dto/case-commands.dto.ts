import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class OptionalCommentDto {
  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class RequiredCommentDto {
  @ApiProperty({ description: 'What must be corrected', maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  comment: string;
}

export class WithdrawDto {
  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  reason: string;
}
