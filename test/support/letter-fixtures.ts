import type { LetterFacts } from '../../libs/pdf/src';

/** A name no WinAnsi font can set (Yoruba tone marks, dot below): it must come back out of the PDF as it went in. */
export const YORUBA_NAME = 'Adébáyọ̀ Ọlábísí';

/** A complete request from Dakar, under the ECOWAS MLA Convention, drafted in French. */
export function frenchFacts(overrides: Partial<LetterFacts> = {}): LetterFacts {
  return {
    caseId: '7d3c1f9e-2b4a-4c1d-9e8f-0a1b2c3d4e5f',
    reference: '7d3c1f9e-2b4a-4c1d-9e8f-0a1b2c3d4e5f',
    date: '2026-03-05',
    requestingState: { code: 'SN', name: 'Senegal' },
    requestedState: { code: 'CI', name: "Côte d'Ivoire" },
    requestingAuthority: { id: 'SN-PROS-DAKAR', name: 'Parquet du Tribunal de grande instance de Dakar' },
    instrument: { id: 'ECOWAS-MLA-1992', name: 'ECOWAS Convention on Mutual Assistance in Criminal Matters (A/P.1/7/92, Dakar 1992)' },
    completenessProfile: 'ECOWAS_5_1',
    acceptedLanguages: ['en', 'fr', 'pt'],
    requestedStateLanguages: ['fr'],
    content: {
      assistanceTypes: ['BANK_RECORDS', 'TAKING_OF_STATEMENT'],
      subjectOfProceedings: 'Information judiciaire pour trafic illicite de migrants et association de malfaiteurs',
      factsSummary:
        'Le 12 janvier 2026, une pirogue partie de Mbour avec 143 passagers a été interceptée ; les paiements transitaient par un compte ouvert à Abidjan.',
      purpose: 'Établir les flux financiers du réseau et entendre le titulaire du compte',
      persons: [
        { role: 'SUSPECT', name: YORUBA_NAME, nationality: 'NG', location: 'Abidjan, Treichville', dateOfBirth: '1988-07-14' },
        { role: 'WITNESS', name: 'Aïssatou Ndiaye', nationality: 'SN', location: 'Abidjan' },
      ],
      language: 'fr',
      urgency: 'NORMAL',
      requestedByDate: '2026-06-30',
      deadlineReason: 'La détention provisoire du prévenu principal prend fin le 15 juillet 2026',
    },
    items: [
      { id: 'item-1', assistanceType: 'BANK_RECORDS' },
      { id: 'item-2', assistanceType: 'TAKING_OF_STATEMENT' },
    ],
    ...overrides,
  };
}

/** A complete request from Accra to Lagos under UNTOC, in English. */
export function englishFacts(overrides: Partial<LetterFacts> = {}): LetterFacts {
  return {
    caseId: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
    reference: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
    date: '2026-04-02',
    requestingState: { code: 'GH', name: 'Ghana' },
    requestedState: { code: 'NG', name: 'Nigeria' },
    requestingAuthority: { id: 'GH-PROS-AG', name: 'Office of the Attorney-General, Accra' },
    instrument: { id: 'UNTOC-2000', name: 'United Nations Convention against Transnational Organized Crime (Palermo, 2000)' },
    completenessProfile: 'UNTOC_18_15',
    acceptedLanguages: ['en'],
    requestedStateLanguages: ['en'],
    content: {
      assistanceTypes: ['SEARCH_AND_SEIZURE'],
      subjectOfProceedings: 'Prosecution for smuggling of migrants',
      factsSummary: 'A network recruited migrants in Kumasi and moved them through Lagos towards Agadez.',
      purpose: 'To seize the ledgers kept at the network’s office in Lagos',
      persons: [{ role: 'ACCUSED', name: 'Kwame Mensah', nationality: 'GH', location: 'Lagos, Ikeja', identifier: 'passport G1234567' }],
      language: 'en',
      urgency: 'URGENT',
      requestedByDate: '2026-05-15',
      deadlineReason: 'Trial opens on 1 June 2026',
    },
    ...overrides,
  };
}

/** A complete request from Bissau to Praia under the ECOWAS MLA Convention, in Portuguese. */
export function portugueseFacts(overrides: Partial<LetterFacts> = {}): LetterFacts {
  return {
    caseId: '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c',
    reference: '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c',
    date: '2026-02-10',
    requestingState: { code: 'GW', name: 'Guinea-Bissau' },
    requestedState: { code: 'CV', name: 'Cape Verde' },
    requestingAuthority: { id: 'GW-PROS-PGR', name: 'Procuradoria-Geral da República, Bissau' },
    instrument: { id: 'ECOWAS-MLA-1992', name: 'ECOWAS Convention on Mutual Assistance in Criminal Matters (A/P.1/7/92, Dakar 1992)' },
    completenessProfile: 'ECOWAS_5_1',
    acceptedLanguages: ['en', 'fr', 'pt'],
    requestedStateLanguages: ['pt'],
    content: {
      assistanceTypes: ['DOCUMENTS_AND_RECORDS'],
      subjectOfProceedings: 'Inquérito por auxílio à imigração ilegal',
      factsSummary: 'Uma embarcação saída de Cacheu transportou migrantes até ao Sal; a tripulação declarou ter sido paga na Praia.',
      purpose: 'Obter os registos de entrada da embarcação no porto da Palmeira',
      persons: [{ role: 'SUSPECT', name: 'João Gonçalves', nationality: 'GW', location: 'Praia, Achada Santo António' }],
      language: 'pt',
      urgency: 'NORMAL',
      requestedByDate: '2026-04-30',
      deadlineReason: 'O prazo máximo do inquérito termina em maio de 2026',
    },
    ...overrides,
  };
}
