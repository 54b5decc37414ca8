import { CASE_RULE_TABLES, type CaseKindName } from '../../../../libs/domain/src';
import { commandRoute } from './command-routes';

describe('command routes (what GET /cases/:id/actions tells clients to call)', () => {
  it('every command a user may run has a route, and only the system runs the others', () => {
    for (const kind of Object.keys(CASE_RULE_TABLES) as CaseKindName[]) {
      for (const [command, spec] of Object.entries(CASE_RULE_TABLES[kind].commands)) {
        const userRun = spec.by.some((r) => r !== 'SYSTEM');
        expect([kind, command, Boolean(commandRoute(kind, command))]).toEqual([kind, command, userRun]);
      }
    }
  });

  it('reads the path, method and body fields from the controllers and their DTOs', () => {
    expect(commandRoute('MLA', 'APPROVE')).toMatchObject({ method: 'POST', path: '/cases/{id}/approve' });
    expect(commandRoute('MLA', 'AMEND')).toMatchObject({ method: 'PATCH', path: '/cases/{id}' });
    expect(commandRoute('MLA', 'RECORD_EXECUTION')?.path).toBe('/cases/{id}/items/{itemId}/executed');
    expect(commandRoute('EXTRADITION', 'GRANT')?.path).toBe('/extraditions/{id}/grant');
    expect(commandRoute('DOMESTIC_PROSECUTION', 'RECORD_PROGRESS')?.path).toBe('/domestic-prosecutions/{id}/progress');
    const transmit = commandRoute('MLA', 'TRANSMIT')!.fields;
    expect(transmit.find((f) => f.name === 'channel')).toMatchObject({ required: true, enum: expect.arrayContaining(['CA_DIRECT', 'DIPLOMATIC']) });
    expect(transmit.find((f) => f.name === 'reference')).toMatchObject({ required: true, type: 'string' });
    expect(transmit.find((f) => f.name === 'occurredAt')).toMatchObject({ required: false, format: 'date-time' });
    expect(commandRoute('MLA', 'RETURN_FOR_CORRECTION')!.fields.find((f) => f.name === 'comment')).toMatchObject({ required: true });
    expect(commandRoute('MLA', 'APPROVE')!.fields.find((f) => f.name === 'comment')).toMatchObject({ required: false });
    expect(commandRoute('MLA', 'NO_SUCH')).toBeNull();
    expect(commandRoute('MLA', 'constructor')).toBeNull();
  });
});
