import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'states' })
export class StateEntity {
  @PrimaryColumn({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', name: 'time_zone' }) timeZone: string;
  @Column({ type: 'text', array: true }) languages: string[];
  @Column({ type: 'text', array: true }) groups: string[];
}

@Entity({ name: 'authorities' })
export class AuthorityEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text', name: 'state_code' }) stateCode: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: string;
}

@Entity({ name: 'focal_points' })
export class FocalPointEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text', name: 'state_code' }) stateCode: string;
  @Column({ type: 'text', name: 'authority_id' }) authorityId: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text', name: 'user_id', nullable: true }) userId: string | null;
}

@Entity({ name: 'liaison_postings' })
export class LiaisonPostingEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text', name: 'home_state' }) homeState: string;
  @Column({ type: 'text', name: 'host_state' }) hostState: string;
  @Column({ type: 'date', name: 'valid_from' }) validFrom: string;
  @Column({ type: 'date', name: 'valid_to', nullable: true }) validTo: string | null;
  @Column({ type: 'text', name: 'user_id', nullable: true }) userId: string | null;
  @Column({ type: 'text', nullable: true }) city: string | null;
}

@Entity({ name: 'instruments' })
export class InstrumentEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', array: true }) covers: string[];
}

@Entity({ name: 'instrument_parties' })
export class InstrumentPartyEntity {
  @PrimaryColumn({ type: 'text', name: 'instrument_id' }) instrumentId: string;
  @PrimaryColumn({ type: 'text', name: 'state_code' }) stateCode: string;
  @Column({ type: 'date', name: 'party_from' }) partyFrom: string;
  @Column({ type: 'date', name: 'party_to', nullable: true }) partyTo: string | null;
}

@Entity({ name: 'rule_packs' })
export class RulePackEntity {
  @PrimaryColumn({ type: 'text', name: 'instrument_id' }) instrumentId: string;
  @PrimaryColumn({ type: 'int' }) version: number;
  @Column({ type: 'date', name: 'effective_from' }) effectiveFrom: string;
  @Column({ type: 'boolean' }) verified: boolean;
  @Column({ type: 'jsonb' }) rules: Record<string, unknown>;
}

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text', unique: true }) subject: string;
  @Column({ type: 'text', name: 'display_name' }) displayName: string;
  @Column({ type: 'text', name: 'state_code' }) stateCode: string;
  @Column({ type: 'text', name: 'authority_id' }) authorityId: string;
  @Column({ type: 'text', array: true }) roles: string[];
}
