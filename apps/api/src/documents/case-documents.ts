import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DocumentFact, RequestPackage } from '../../../../libs/domain/src';
import { DocumentRecords } from '../../../../libs/documents/src/document-records';
import { documentFact, evidenceByItem, requestPackage } from '../../../../libs/documents/src/request-package';
import { ProblemException } from '../common/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What a life-cycle command is told of the case's documents (resolved here, carried in the command, checked
 * by the case's rules): the translation attached, the package transmitted, the evidence returned.
 */
@Injectable()
export class CaseDocuments {
  private readonly records: DocumentRecords;

  constructor(@Inject(DataSource) db: DataSource) {
    this.records = new DocumentRecords(db);
  }

  async fact(caseId: string, documentId: string, field = 'documentId'): Promise<DocumentFact> {
    const doc = UUID.test(documentId) ? await this.records.find(caseId, documentId) : null;
    if (!doc) {
      throw ProblemException.of(422, 'UNKNOWN_DOCUMENT', `no document ${documentId.slice(0, 60)} on this case`, {
        errors: [{ field, rule: 'document_of_case', message: 'upload it first: POST /cases/:id/documents' }],
      });
    }
    return documentFact(doc);
  }

  async package(caseId: string): Promise<RequestPackage> {
    return requestPackage(await this.records.list(caseId));
  }

  async evidence(caseId: string): Promise<Record<string, DocumentFact[]>> {
    return evidenceByItem(await this.records.list(caseId));
  }
}
