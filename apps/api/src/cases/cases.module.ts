import { Module } from '@nestjs/common';
import { CaseAccess } from './case-access';
import { CasesController } from './cases.controller';
import { FileMlaRequest } from './usecases/file-mla-request.usecase';
import { RunCaseCommand } from './usecases/run-case-command.usecase';

@Module({
  controllers: [CasesController],
  providers: [CaseAccess, FileMlaRequest, RunCaseCommand],
})
export class CasesModule {}
