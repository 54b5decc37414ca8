// Managers' dashboard: plain ES modules, no build step. It talks to the engine's own API with a bearer
// token kept for the tab only (sessionStorage): one the OpenID provider issued after the user signed
// in there (authorization code with PKCE, when the engine names a client id for the dashboard), or
// one the user pastes (local use).

const I18N = {
  en: {
    title: 'Mutual legal assistance and extradition',
    language: 'Language',
    logout: 'Log out',
    'nav.stalled': 'Stalled cases',
    'nav.deadlines': 'Deadlines',
    'nav.escalations': 'Escalations',
    'nav.statistics': 'Statistics',
    'nav.inbox': 'Inbox',
    'inbox.title': 'What waits for you',
    'inbox.counts': 'Steps: {STEP} · reminders: {REMINDER} · escalations: {ESCALATION} · other tasks: {OTHER}',
    'col.expected': 'Expected',
    'col.due': 'Due',
    'col.legalRef': 'Legal reference',
    'col.what': 'Kind',
    'case.actions': 'What you may do now',
    'case.noActions': 'Nothing for you to do on this case now.',
    'case.done': 'Done.',
    'action.required': 'required',
    'action.failed': 'The engine refused this: {detail}',
    'rule.isNotEmpty': 'This field is required.',
    'rule.required': 'This field is required.',
    'rule.isString': 'Enter text.',
    'rule.maxLength': 'This text is too long.',
    'rule.isIn': 'Choose one of the values offered.',
    'rule.isEnum': 'Choose one of the values offered.',
    'rule.iso_instant': 'Enter a date and time with its offset (2025-03-04T10:00:00Z).',
    'rule.calendar_date': 'Enter a date that exists (YYYY-MM-DD).',
    'rule.isBoolean': 'Tick or untick the box.',
    'rule.unknown_property': 'This field is not expected here.',
    'rule.isDefined': 'This field is required.',
    'rule.authority_officer': 'Choose an officer of your central authority.',
    'rule.same_authority': 'Choose an officer of your own authority.',
    'rule.known_user': 'No such user.',
    'login.title': 'Sign in with a token',
    'login.help': 'Paste a bearer token issued for you (locally: npm run token -- u-sn-manager).',
    'login.submit': 'Sign in',
    'login.failed': 'This token was not accepted.',
    'login.oidc': 'Sign in with your organisation’s account',
    'login.oidcFailed': 'Signing in through the identity provider did not succeed; try again.',
    'login.or': 'Or, for local use:',
    'stalled.title': 'Stalled cases',
    'stalled.help': 'Open cases with no act by either party for {days} days.',
    'deadlines.title': "Requester's deadlines passed or due within 7 days",
    'escalations.title': 'Open escalations',
    'statistics.title': 'Statistics by country pair',
    'statistics.asOf': 'Figures as of {at}, last twelve months.',
    'statistics.live': 'Figures computed now.',
    'col.case': 'Case',
    'col.pair': 'Pair',
    'col.kind': 'Kind',
    'col.state': 'State',
    'col.idle': 'Days idle',
    'col.flags': 'Flags',
    'col.at': 'When',
    'col.event': 'Event',
    'col.transition': 'State',
    'col.deadline': 'Deadline',
    'col.daysLeft': 'Days left',
    'col.level': 'Level',
    'col.age': 'Age (days)',
    'col.addressee': 'Addressee',
    'col.open': 'Open',
    'col.terminal': 'Ended',
    'col.ack': 'Days to acknowledge (median / p90)',
    'col.exec': 'Days to execute, net (median / p90)',
    'col.escalations': 'Escalations raised / resolved',
    'col.refusals': 'Refusals',
    'col.custody': 'Custody days',
    more: 'Load more',
    none: 'Nothing to show.',
    back: 'Back',
    'case.title': 'Case timeline',
    'case.clocks': 'Clocks and deadlines',
    'case.events': 'Events',
    'case.documents': 'Documents',
    'documents.summary': '{count} document(s): {kinds}',
    'documents.custody': 'Custody',
    'documents.unchanged': 'hash unchanged at every handover',
    'documents.changed': 'HASH CHANGED',
    'col.docKind': 'Kind',
    'col.file': 'File',
    'col.language': 'Language',
    'col.sha256': 'SHA-256',
    'legend.running': 'running',
    'legend.met': 'met',
    'legend.breached': 'breached',
    'legend.paused': 'paused',
    'legend.cancelled': 'cancelled',
    'legend.escalation': 'escalation',
    'chart.ack': 'Median days to acknowledge',
    'chart.exec': 'Median days to execute (net)',
  },
  fr: {
    title: 'Entraide judiciaire et extradition',
    language: 'Langue',
    logout: 'Se déconnecter',
    'nav.stalled': 'Dossiers bloqués',
    'nav.deadlines': 'Délais',
    'nav.escalations': 'Escalades',
    'nav.statistics': 'Statistiques',
    'nav.inbox': 'À traiter',
    'inbox.title': 'Ce qui vous attend',
    'inbox.counts': 'Étapes : {STEP} · rappels : {REMINDER} · escalades : {ESCALATION} · autres tâches : {OTHER}',
    'col.expected': 'Attendu',
    'col.due': 'Échéance',
    'col.legalRef': 'Référence juridique',
    'col.what': 'Nature',
    'case.actions': 'Ce que vous pouvez faire maintenant',
    'case.noActions': 'Rien à faire pour vous sur ce dossier pour le moment.',
    'case.done': 'C\u2019est fait.',
    'action.required': 'obligatoire',
    'action.failed': 'Le moteur a refusé : {detail}',
    'rule.isNotEmpty': 'Ce champ est obligatoire.',
    'rule.required': 'Ce champ est obligatoire.',
    'rule.isString': 'Saisissez un texte.',
    'rule.maxLength': 'Ce texte est trop long.',
    'rule.isIn': 'Choisissez l\u2019une des valeurs proposées.',
    'rule.isEnum': 'Choisissez l\u2019une des valeurs proposées.',
    'rule.iso_instant': 'Saisissez une date et une heure avec leur décalage (2025-03-04T10:00:00Z).',
    'rule.calendar_date': 'Saisissez une date qui existe (AAAA-MM-JJ).',
    'rule.isBoolean': 'Cochez ou décochez la case.',
    'rule.unknown_property': 'Ce champ n\u2019est pas attendu ici.',
    'rule.isDefined': 'Ce champ est obligatoire.',
    'rule.authority_officer': 'Choisissez un agent de votre autorité centrale.',
    'rule.same_authority': 'Choisissez un agent de votre propre autorité.',
    'rule.known_user': 'Utilisateur inconnu.',
    'login.title': 'Connexion par jeton',
    'login.help': 'Collez le jeton qui vous a été délivré (en local : npm run token -- u-sn-manager).',
    'login.submit': 'Se connecter',
    'login.failed': "Ce jeton n'a pas été accepté.",
    'login.oidc': 'Se connecter avec le compte de votre organisation',
    'login.oidcFailed': 'La connexion par le fournisseur d\u2019identité n\u2019a pas abouti ; réessayez.',
    'login.or': 'Ou, en local :',
    'stalled.title': 'Dossiers bloqués',
    'stalled.help': 'Dossiers ouverts sans acte de l\u2019une ou l\u2019autre partie depuis {days} jours.',
    'deadlines.title': 'Délais du requérant dépassés ou échus sous 7 jours',
    'escalations.title': 'Escalades en cours',
    'statistics.title': 'Statistiques par couple d\u2019États',
    'statistics.asOf': 'Chiffres au {at}, douze derniers mois.',
    'statistics.live': 'Chiffres calculés à l\u2019instant.',
    'col.case': 'Dossier',
    'col.pair': 'Couple',
    'col.kind': 'Type',
    'col.state': 'État',
    'col.idle': 'Jours sans acte',
    'col.flags': 'Signaux',
    'col.at': 'Date',
    'col.event': 'Événement',
    'col.transition': 'État',
    'col.deadline': 'Échéance',
    'col.daysLeft': 'Jours restants',
    'col.level': 'Niveau',
    'col.age': 'Âge (jours)',
    'col.addressee': 'Destinataire',
    'col.open': 'Ouverts',
    'col.terminal': 'Clos',
    'col.ack': 'Jours avant accusé de réception (médiane / p90)',
    'col.exec': 'Jours d\u2019exécution, nets (médiane / p90)',
    'col.escalations': 'Escalades soulevées / résolues',
    'col.refusals': 'Refus',
    'col.custody': 'Jours de détention',
    more: 'Afficher plus',
    none: 'Rien à afficher.',
    back: 'Retour',
    'case.title': 'Chronologie du dossier',
    'case.clocks': 'Horloges et délais',
    'case.events': 'Événements',
    'case.documents': 'Documents',
    'documents.summary': '{count} document(s) : {kinds}',
    'documents.custody': 'Chaîne de possession',
    'documents.unchanged': 'empreinte inchangée à chaque remise',
    'documents.changed': 'EMPREINTE MODIFIÉE',
    'col.docKind': 'Type',
    'col.file': 'Fichier',
    'col.language': 'Langue',
    'col.sha256': 'SHA-256',
    'legend.running': 'en cours',
    'legend.met': 'respecté',
    'legend.breached': 'dépassé',
    'legend.paused': 'suspendu',
    'legend.cancelled': 'annulé',
    'legend.escalation': 'escalade',
    'chart.ack': 'Jours médians avant accusé de réception',
    'chart.exec': 'Jours médians d\u2019exécution (nets)',
  },
};

let lang = sessionStorage.getItem('lang') || (navigator.language || 'en').slice(0, 2);
if (!I18N[lang]) lang = 'en';
const t = (key, vars = {}) => (I18N[lang][key] ?? I18N.en[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
const main = document.getElementById('main');
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    // Through the CSSOM: the Content-Security-Policy forbids inline style attributes, not styles set by script.
    else if (k === 'style') node.style.cssText = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
};

async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem('token')}` } });
  if (res.status === 401) {
    sessionStorage.removeItem('token');
    route();
    throw new Error('unauthenticated');
  }
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).detail || res.statusText);
  return res.json();
}

/** A command through its route: the body as JSON; the answer, or the problem details of a refusal. */
async function send(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${sessionStorage.getItem('token')}`, 'content-type': 'application/json', 'idempotency-key': randomText(16) },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, body: answer };
}

function translateStatic() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((n) => (n.textContent = t(n.dataset.i18n)));
  document.getElementById('lang').value = lang;
}

function flags(list) {
  const span = el('span');
  for (const f of list || []) span.append(el('span', { class: `flag ${f}`, text: f }));
  return span;
}

function table(columns, rows, rowToCells, attrs = {}, rowAttrs = (r) => ({ 'data-case': r.id ?? r.caseId ?? '' })) {
  if (!rows.length) return el('p', { class: 'muted', id: attrs.id ? `${attrs.id}-empty` : '', text: t('none') });
  const head = el('tr', {}, ...columns.map((c) => el('th', { text: t(c) })));
  const body = rows.map((r) => el('tr', rowAttrs(r), ...rowToCells(r).map((c) => el('td', {}, c))));
  return el('table', attrs, el('thead', {}, head), el('tbody', {}, ...body));
}

const caseLink = (id) => el('a', { href: `#/case/${id}`, text: id.slice(0, 8) });

/** A keyset-paginated list: first page, then "load more" with the cursor. */
async function pagedList(container, path, columns, cells, attrs, rowAttrs) {
  let cursor = null;
  const rows = [];
  const render = async () => {
    const page = await api(`${path}${path.includes('?') ? '&' : '?'}limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    rows.push(...page.items);
    cursor = page.nextCursor;
    container.replaceChildren(table(columns, rows, cells, attrs, rowAttrs));
    if (cursor) container.append(el('button', { class: 'secondary', text: t('more'), onclick: render }));
  };
  await render();
}

const views = {
  async inbox() {
    const box = el('div', { class: 'card' });
    const first = await api('/inbox?limit=50');
    const c = first.counts || {};
    const other = Object.entries(c)
      .filter(([k]) => !['STEP', 'REMINDER', 'ESCALATION'].includes(k))
      .reduce((n, [, v]) => n + v, 0);
    await pagedList(
      box,
      '/inbox',
      ['col.case', 'col.pair', 'col.what', 'col.expected', 'col.due', 'col.legalRef', 'col.flags'],
      (r) => [
        caseLink(r.case.id),
        `${r.case.requestingState} → ${r.case.requestedState}`,
        r.level !== undefined ? `${r.kind} L${r.level}` : r.kind,
        r.commands.length ? `${r.expected}: ${r.commands.join(', ')}` : r.expected,
        r.dueAt ? new Date(r.dueAt).toLocaleString(lang) : '—',
        r.legalRef ?? '—',
        flags([...(r.breached ? ['DEADLINE_BREACHED'] : []), ...r.case.flags.filter((f) => f !== 'DEADLINE_BREACHED')]),
      ],
      { id: 'inbox-list' },
      (r) => ({ 'data-case': r.case.id, 'data-kind': r.kind, 'data-expected': r.expected }),
    );
    const counts = t('inbox.counts', { STEP: c.STEP ?? 0, REMINDER: c.REMINDER ?? 0, ESCALATION: c.ESCALATION ?? 0, OTHER: other });
    return [el('h2', { text: t('inbox.title') }), el('p', { class: 'muted', id: 'inbox-counts', text: counts }), box];
  },
  async stalled() {
    const box = el('div', { class: 'card' });
    await pagedList(
      box,
      '/monitoring/stalled?days=30',
      ['col.case', 'col.pair', 'col.kind', 'col.state', 'col.idle', 'col.flags'],
      (r) => [caseLink(r.id), `${r.requestingState} → ${r.requestedState}`, r.kind, r.state, String(r.idleDays), flags(r.flags)],
      { id: 'stalled-list' },
    );
    return [el('h2', { text: t('stalled.title') }), el('p', { class: 'muted', text: t('stalled.help', { days: 30 }) }), box];
  },
  async deadlines() {
    const box = el('div', { class: 'card' });
    await pagedList(
      box,
      '/monitoring/deadlines?status=all&withinDays=7',
      ['col.case', 'col.pair', 'col.state', 'col.deadline', 'col.daysLeft', 'col.flags'],
      (r) => [caseLink(r.id), `${r.requestingState} → ${r.requestedState}`, r.state, r.requestedByDate, String(r.daysLeft), flags(r.flags)],
      { id: 'deadline-list' },
    );
    return [el('h2', { text: t('deadlines.title') }), box];
  },
  async escalations() {
    const box = el('div', { class: 'card' });
    await pagedList(
      box,
      '/monitoring/escalations',
      ['col.case', 'col.pair', 'col.level', 'col.addressee', 'col.age'],
      (r) => [caseLink(r.caseId), `${r.requestingState} → ${r.requestedState}`, `L${r.level}`, r.addressee, String(r.ageDays)],
      { id: 'escalation-list' },
    );
    return [el('h2', { text: t('escalations.title') }), box];
  },
  async statistics() {
    const stats = await api('/monitoring/statistics');
    const fmt = (x) => (x.median === null ? '—' : `${x.median} / ${x.p90}`);
    return [
      el('h2', { text: t('statistics.title') }),
      el('p', {
        class: 'muted',
        text: stats.refreshedAt ? t('statistics.asOf', { at: new Date(stats.refreshedAt).toLocaleString(lang) }) : t('statistics.live'),
      }),
      el(
        'div',
        { class: 'card' },
        barChart(stats.pairs, (p) => p.ackDays.median, t('chart.ack')),
        barChart(stats.pairs, (p) => p.executionDays.median, t('chart.exec')),
      ),
      el(
        'div',
        { class: 'card' },
        table(
          ['col.pair', 'col.open', 'col.terminal', 'col.ack', 'col.exec', 'col.escalations', 'col.refusals', 'col.custody'],
          stats.pairs,
          (p) => [
            `${p.requestingState} → ${p.requestedState}`,
            String(p.open),
            String(p.terminal),
            fmt(p.ackDays),
            fmt(p.executionDays),
            `${p.escalations.raised} / ${p.escalations.resolved}`,
            Object.entries(p.refusalsByGround)
              .map(([g, n]) => `${g}: ${n}`)
              .join(', ') || '—',
            String(p.custody.totalDays),
          ],
          { id: 'statistics-table' },
        ),
      ),
    ];
  },
  async case(id) {
    const [tl, actions, docs] = await Promise.all([
      api(`/cases/${encodeURIComponent(id)}/timeline`),
      api(`/cases/${encodeURIComponent(id)}/actions`),
      api(`/cases/${encodeURIComponent(id)}/documents`).catch(() => null),
    ]);
    watchCase(id, actions.version, routeSeq);
    return [
      el('p', {}, el('a', { href: '#/inbox', text: `← ${t('back')}` })),
      el('h2', {
        id: 'case-heading',
        'data-state': tl.state,
        text: `${t('case.title')} ${id.slice(0, 8)} · ${tl.requestingState} → ${tl.requestedState} · ${tl.state}`,
      }),
      el('p', {}, flags(tl.flags)),
      actionsCard(actions),
      el('div', { class: 'card' }, el('h3', { text: t('case.clocks') }), legend(), timelineSvg(tl)),
      el(
        'div',
        { class: 'card' },
        el('h3', { text: t('case.events') }),
        table(
          ['col.at', 'col.event', 'col.transition'],
          tl.events.map((e) => ({ ...e, id: String(e.seq) })),
          (e) => [
            new Date(e.at).toLocaleString(lang),
            `${e.event}${e.actor?.role ? ` · ${e.actor.role}` : ''}`,
            e.from && e.from !== e.to ? `${e.from} → ${e.to}` : e.to,
          ],
        ),
      ),
      ...(docs ? [await documentsCard(id, docs)] : []),
    ];
  },
};

/**
 * Live updates of the case in view: the engine's server-sent events (GET /cases/:id/events), read with
 * fetch so that the bearer token goes in a header; the page is redrawn when the case shows a later version,
 * and the watch ends when the user leaves the page.
 */
function watchCase(id, version, seq) {
  const watch = async () => {
    while (seq === routeSeq) {
      const res = await fetch(`/cases/${encodeURIComponent(id)}/events?since=${version}`, {
        headers: { authorization: `Bearer ${sessionStorage.getItem('token')}` },
      }).catch(() => null);
      if (!res || !res.ok) return;
      const data = /^data: (.*)$/m.exec(await res.text());
      const event = data ? JSON.parse(data[1]) : null;
      if (event && event.version > version && seq === routeSeq) return route();
    }
  };
  void watch();
}

/** The commands the engine says the user may run now (GET /cases/:id/actions), each as a small form built from its fields. */
function actionsCard(actions) {
  const available = actions.actions.filter((a) => a.available);
  const card = el('div', { class: 'card', id: 'case-actions' }, el('h3', { text: t('case.actions') }));
  if (!available.length) card.append(el('p', { class: 'muted', text: t('case.noActions') }));
  // Steps the case owes the user first, then the rest.
  for (const a of [...available.filter((x) => x.owed), ...available.filter((x) => !x.owed)]) card.append(actionForm(a));
  return card;
}

function actionForm(action) {
  const form = el('form', { class: `action${action.owed ? ' owed' : ''}`, id: `action-${action.command}`, 'data-command': action.command });
  const inputs = new Map();
  const errors = new Map();
  const fieldBox = (name, label, input) => {
    const error = el('span', { class: 'field-error', id: `action-${action.command}-${name}-error`, role: 'alert' });
    errors.set(name, error);
    inputs.set(name, input);
    return el('label', { class: 'field' }, el('span', { text: label }), input, error);
  };
  if (action.itemIds?.length) {
    const select = el('select', { name: 'itemId' }, ...action.itemIds.map((i) => el('option', { value: i, text: i })));
    form.append(fieldBox('itemId', 'itemId *', select));
  }
  for (const f of action.fields) {
    if (f.name === 'occurredAt' || f.type === 'object' || f.isArray) continue;
    const label = `${f.name}${f.required ? ` * (${t('action.required')})` : ''}`;
    let input;
    if (f.enum)
      input = el(
        'select',
        { name: f.name },
        ...(f.required ? [] : [el('option', { value: '', text: '—' })]),
        ...f.enum.map((v) => el('option', { value: v, text: v })),
      );
    else if (f.type === 'boolean') input = el('input', { type: 'checkbox', name: f.name });
    else input = el(f.maxLength && f.maxLength > 200 ? 'textarea' : 'input', { name: f.name, 'aria-label': f.name });
    form.append(fieldBox(f.name, label, input));
  }
  const general = el('p', { class: 'error', id: `action-${action.command}-error`, role: 'alert' });
  form.append(el('button', { type: 'submit', text: action.command, title: action.legalRef ?? '' }), general);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    let path = action.path;
    for (const [name, input] of inputs) {
      if (name === 'itemId') path = path.replace('{itemId}', encodeURIComponent(input.value));
      else if (input.type === 'checkbox') body[name] = input.checked;
      else if (input.value !== '') body[name] = input.value;
    }
    for (const span of errors.values()) span.textContent = '';
    general.textContent = '';
    const res = await send(action.method, path, body);
    if (res.ok) {
      general.textContent = t('case.done');
      route();
      return;
    }
    // Problem details: each error next to its field, in the user's language when the rule is known; a
    // missing value is said first, the other rules of the same field follow from it.
    let placed = false;
    const byField = new Map();
    for (const problem of res.body.errors ?? []) {
      const name = String(problem.field).split(/[.[]/)[0];
      const seen = byField.get(name);
      if (!seen || ['isDefined', 'isNotEmpty', 'required'].includes(problem.rule)) byField.set(name, problem);
    }
    for (const [name, problem] of byField) {
      const span = errors.get(name);
      const text = I18N[lang][`rule.${problem.rule}`] ?? problem.message;
      if (span) {
        span.textContent = text;
        placed = true;
      } else general.append(el('span', { text: `${problem.field}: ${text} ` }));
    }
    if (!placed) general.prepend(t('action.failed', { detail: res.body.detail ?? res.status }));
  });
  return form;
}

/**
 * The case's documents as the reader may see them: each with its hash, a download (fetched with the
 * token, then saved), and for evidence its chain of custody; summary readers see only count and kinds.
 */
async function documentsCard(id, docs) {
  const card = el('div', { class: 'card', id: 'case-documents' }, el('h3', { text: t('case.documents') }));
  const kinds =
    Object.entries(docs.kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || '—';
  card.append(el('p', { class: 'muted', text: t('documents.summary', { count: String(docs.count), kinds }) }));
  if (!docs.documents.length) return card;
  const custody = new Map();
  for (const d of docs.documents.filter((x) => x.kind === 'EVIDENCE')) {
    custody.set(d.id, await api(`/cases/${encodeURIComponent(id)}/documents/${d.id}/custody`).catch(() => null));
  }
  const download = (d) =>
    el('a', {
      href: '#',
      text: d.filename,
      onclick: async (ev) => {
        ev.preventDefault();
        const res = await fetch(d.href, { headers: { authorization: `Bearer ${sessionStorage.getItem('token')}` } });
        if (!res.ok) return window.alert((await res.json().catch(() => ({}))).detail || res.statusText);
        const url = URL.createObjectURL(await res.blob());
        const save = el('a', { href: url, download: d.filename });
        document.body.append(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      },
    });
  const chain = (d) => {
    const c = custody.get(d.id);
    if (!c) return '';
    const unchanged = c.chain.every((l) => l.unchanged) && c.chainIntact;
    const steps = c.chain.map((l) => `${l.to} (${l.actor.userId}, ${new Date(l.at).toLocaleString(lang)})`).join(' → ');
    return el('span', { title: t('documents.custody') }, `${steps} · `, el('strong', { text: unchanged ? t('documents.unchanged') : t('documents.changed') }));
  };
  card.append(
    table(
      ['col.docKind', 'col.file', 'col.language', 'col.sha256', 'documents.custody'],
      docs.documents,
      (d) => [
        `${d.kind}${d.supersededBy ? ' (superseded)' : ''}${d.itemId ? ` · ${d.itemId}` : ''}`,
        download(d),
        d.language,
        el('code', { title: d.sha256, text: `${d.sha256.slice(0, 16)}…` }),
        chain(d),
      ],
      { id: 'documents-table' },
    ),
  );
  return card;
}

function legend() {
  const box = el('div', { class: 'legend' });
  for (const s of ['running', 'met', 'breached', 'paused', 'cancelled'])
    box.append(
      el(
        'span',
        {},
        el('i', {
          class: `clock-${s}`,
          style: `background: var(--${{ running: 'accent', met: 'ok', breached: 'bad', paused: 'paused', cancelled: 'muted' }[s]})`,
        }),
        t(`legend.${s}`),
      ),
    );
  box.append(el('span', {}, el('i', { style: 'background: var(--bad); clip-path: polygon(50% 0, 100% 100%, 0 100%)' }), t('legend.escalation')));
  return box;
}

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, text) => {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
};

/** Clocks as bars on a time axis, events as ticks, escalations as red markers: where the case lost its time. */
function timelineSvg(tl) {
  const times = [...tl.events.map((e) => Date.parse(e.at)), ...tl.clocks.flatMap((k) => [Date.parse(k.startedAt), Date.parse(k.dueAt)])].filter(
    Number.isFinite,
  );
  const start = Math.min(...times);
  const end = Math.max(...times, Date.now());
  const width = 1100,
    left = 190,
    right = 20,
    row = 22,
    top = 30;
  const height = top + (tl.clocks.length + 2) * row + 30;
  const x = (ms) => left + ((ms - start) / Math.max(1, end - start)) * (width - left - right);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': t('case.clocks'), id: 'case-timeline' });
  root.append(svg('line', { x1: left, x2: width - right, y1: top - 8, y2: top - 8, stroke: '#9aa4af' }));
  for (let i = 0; i <= 6; i++) {
    const ms = start + ((end - start) * i) / 6;
    root.append(svg('text', { x: x(ms), y: top - 14, 'text-anchor': 'middle' }, new Date(ms).toLocaleDateString(lang)));
  }
  tl.clocks.forEach((k, i) => {
    const y = top + i * row;
    const stop = k.stoppedAt ? Date.parse(k.stoppedAt) : Math.min(Date.now(), Date.parse(k.dueAt));
    const group = svg('g', { 'data-rule': k.ruleId, 'data-status': k.status });
    group.append(svg('text', { x: 4, y: y + 13 }, `${k.ruleId}`));
    group.append(
      svg('rect', {
        x: x(Date.parse(k.startedAt)),
        y: y + 3,
        width: Math.max(2, x(stop) - x(Date.parse(k.startedAt))),
        height: 12,
        class: `clock-${k.status}`,
      }),
    );
    group.append(svg('line', { x1: x(Date.parse(k.dueAt)), x2: x(Date.parse(k.dueAt)), y1: y, y2: y + 18, stroke: '#1d2733', 'stroke-dasharray': '2,2' }));
    group.append(svg('title', {}, `${k.ruleId} · ${k.status} · ${k.legalRef ?? ''} · ${k.dueAt}`));
    root.append(group);
  });
  const ey = top + tl.clocks.length * row + 10;
  root.append(svg('text', { x: 4, y: ey + 12 }, t('case.events')));
  for (const e of tl.events) {
    const escalation = e.event === 'ESCALATION';
    root.append(
      escalation
        ? svg('polygon', {
            points: `${x(Date.parse(e.at))},${ey} ${x(Date.parse(e.at)) - 6},${ey + 14} ${x(Date.parse(e.at)) + 6},${ey + 14}`,
            fill: 'var(--bad)',
            'data-escalation': e.data?.level ?? '',
          })
        : svg('line', {
            x1: x(Date.parse(e.at)),
            x2: x(Date.parse(e.at)),
            y1: ey,
            y2: ey + 14,
            stroke: e.from !== e.to ? '#0b5fa5' : '#9aa4af',
            'stroke-width': 2,
          }),
    );
  }
  return root;
}

function barChart(pairs, value, title) {
  const data = pairs.map((p) => ({ label: `${p.requestingState}→${p.requestedState}`, v: value(p) })).filter((d) => d.v !== null);
  const width = 520,
    bar = 18,
    left = 80;
  const max = Math.max(1, ...data.map((d) => d.v));
  const root = svg('svg', { viewBox: `0 0 ${width} ${30 + data.length * (bar + 6)}`, width: '48%', role: 'img', 'aria-label': title });
  root.append(svg('text', { x: 0, y: 14 }, title));
  data.forEach((d, i) => {
    const y = 24 + i * (bar + 6);
    root.append(svg('text', { x: 0, y: y + 13 }, d.label));
    root.append(svg('rect', { x: left, y, width: ((width - left - 40) * d.v) / max, height: bar, class: 'clock-running' }));
    root.append(svg('text', { x: left + ((width - left - 40) * d.v) / max + 4, y: y + 13 }, String(d.v)));
  });
  return root;
}

// --- Sign-in through the OpenID provider: authorization code with PKCE (RFC 7636), public client. ---

let signInConfig;
/** The engine's answer to "how do users sign in here": the provider's endpoints and client id, or null. */
async function openIdConfig() {
  signInConfig ??= fetch('/dashboard/config.json')
    .then((res) => (res.ok ? res.json() : { openId: null }))
    .then((body) => body.openId ?? null)
    .catch(() => null);
  return signInConfig;
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomText = (n) => base64url(crypto.getRandomValues(new Uint8Array(n)));
/** The dashboard's own address, without query or hash: what the provider sends the user back to. */
const redirectUri = () => new URL('./', `${location.origin}${location.pathname}`).href;

async function startOpenIdSignIn(oidc) {
  const verifier = randomText(32);
  const state = randomText(16);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem('oidc', JSON.stringify({ verifier, state }));
  const url = new URL(oidc.authorizationEndpoint);
  const params = {
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: oidc.resource,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  location.assign(url.href);
}

/**
 * Back from the provider (`?code=…&state=…`, or `?error=…`): the code and the verifier kept for this
 * tab buy the access token. The code leaves the address bar at once. Returns an error message, or null.
 */
async function completeOpenIdSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const saved = JSON.parse(sessionStorage.getItem('oidc') || 'null');
  sessionStorage.removeItem('oidc');
  history.replaceState(null, '', `${location.pathname}#/stalled`);
  const oidc = await openIdConfig();
  if (!oidc || !saved || params.get('error') || params.get('state') !== saved.state) return t('login.oidcFailed');
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: params.get('code'),
    redirect_uri: redirectUri(),
    client_id: oidc.clientId,
    code_verifier: saved.verifier,
    resource: oidc.resource,
  });
  try {
    const res = await fetch(oidc.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const token = res.ok ? (await res.json()).access_token : undefined;
    if (!token) return t('login.oidcFailed');
    const me = await fetch('/me', { headers: { authorization: `Bearer ${token}` } });
    if (!me.ok) return t('login.failed');
    sessionStorage.setItem('token', token);
    return null;
  } catch {
    return t('login.oidcFailed');
  }
}

function login(message) {
  document.getElementById('nav').hidden = true;
  const input = el('textarea', { id: 'token', 'aria-label': 'token' });
  const error = el('p', { class: 'error', id: 'login-error', text: message ?? '' });
  const card = el('div', { class: 'card login' });
  main.replaceChildren(card);
  void openIdConfig().then((oidc) => {
    if (!oidc || !card.isConnected) return;
    card.prepend(
      el('p', {}, el('button', { id: 'oidc-sign-in', type: 'button', text: t('login.oidc'), onclick: () => startOpenIdSignIn(oidc) })),
      el('p', { class: 'muted', text: t('login.or') }),
    );
  });
  card.append(
    el('h2', { text: t('login.title') }),
    el('p', { class: 'muted', text: t('login.help') }),
    input,
    el(
      'p',
      {},
      el('button', {
        id: 'login-submit',
        text: t('login.submit'),
        onclick: async () => {
          sessionStorage.setItem('token', input.value.trim());
          const res = await fetch('/me', { headers: { authorization: `Bearer ${input.value.trim()}` } });
          if (!res.ok) {
            sessionStorage.removeItem('token');
            error.textContent = t('login.failed');
            return;
          }
          const me = await res.json().catch(() => ({ roles: [] }));
          // Managers land on their views; everyone else on what waits for them.
          location.hash = (me.roles ?? []).some((r) => r === 'MANAGER' || r === 'SECRETARIAT') ? '#/stalled' : '#/inbox';
          route();
        },
      }),
    ),
    error,
  );
}

let routeSeq = 0;

/** Renders the view of the current hash; a slower, superseded view never overwrites a newer one. */
async function route(message) {
  const mine = ++routeSeq;
  translateStatic();
  if (!sessionStorage.getItem('token')) return login(message);
  document.getElementById('nav').hidden = false;
  const [, view = 'inbox', arg] = location.hash.split('/');
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === `#/${view}`));
  try {
    const nodes = await (views[view] ?? views.inbox)(arg);
    if (mine === routeSeq) main.replaceChildren(...nodes);
  } catch (err) {
    if (err.message !== 'unauthenticated' && mine === routeSeq) main.replaceChildren(el('p', { class: 'error', text: err.message }));
  }
}

document.getElementById('lang').addEventListener('change', (e) => {
  lang = e.target.value;
  sessionStorage.setItem('lang', lang);
  route();
});
document.getElementById('logout').addEventListener('click', () => {
  sessionStorage.removeItem('token');
  location.hash = '';
  route();
});
window.addEventListener('hashchange', () => route());
completeOpenIdSignIn().then((message) => route(message ?? undefined));
