import { Module } from '@nestjs/common';
import { CaseAccess } from './case-access';
import { CaseReference } from './case-reference';
import { CasesController } from './cases.controller';
import { FileMlaRequest } from './usecases/file-mla-request.usecase';
import { RunCaseCommand } from './usecases/run-case-command.usecase';
import { ExtraditionsController } from '../extraditions/extraditions.controller';
import { FileExtradition } from '../extraditions/file-extradition.usecase';
import { WorkController } from '../work/work.controller';

@Module({
  controllers: [CasesController, ExtraditionsController, WorkController],
  providers: [CaseAccess, CaseReference, FileMlaRequest, RunCaseCommand, FileExtradition],
  exports: [CaseAccess],
})
export class CasesModule {}
