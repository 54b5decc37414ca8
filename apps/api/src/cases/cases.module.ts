import { Module } from '@nestjs/common';
import { CaseAccess } from './case-access';
import { CaseReference } from './case-reference';
import { CasesController } from './cases.controller';
import { FileMlaRequest } from './usecases/file-mla-request.usecase';
import { RunCaseCommand } from './usecases/run-case-command.usecase';
import { ExtraditionsController } from '../extraditions/extraditions.controller';
import { FileExtradition } from '../extraditions/file-extradition.usecase';
import { WorkController } from '../work/work.controller';
import { CaseDocuments } from '../documents/case-documents';

@Module({
  controllers: [CasesController, ExtraditionsController, WorkController],
  providers: [CaseAccess, CaseReference, FileMlaRequest, RunCaseCommand, FileExtradition, CaseDocuments],
  exports: [CaseAccess],
})
export class CasesModule {}
