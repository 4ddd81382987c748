// The admin center and the organizer's page. Every action is a call to the admin API (api.js); the
// page holds no rule of its own: what the API refuses is shown next to the field it names.

import { api, ApiError, setToken, token } from './api.js';
import { initialLanguage, language, setLanguage, t } from './i18n.js';

const $ = (selector, root = document) => root.querySelector(selector);
const POLL_MS = 2000;
const STREAM_RETRY_MS = 10000;

let role = null;        // 'admin' or 'user' once signed in
let view = null;        // the view shown
let pollTimer = null;
let pollGeneration = 0; // a poll chain runs only while it is the latest one
let lastRendered = {};  // view -> JSON last drawn, so that polling redraws only on change
let auditPages = [];    // the "before" ids of the pages shown so far (null: the newest)

// ---------------------------------------------------------------- small DOM helpers

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      el.append(child instanceof Node ? child : String(child));
    }
  }
  return el;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString(language() === 'zh' ? 'zh-CN' : 'en') : '';
}

function clearErrors(root) {
  for (const p of root.querySelectorAll('.error')) {
    p.textContent = '';
  }
  for (const input of root.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
  }
}

/** Shows an API error next to the field it names, else at the form's (or region's) own error line. */
function showError(root, error) {
  let message = error instanceof ApiError ? error.message : String(error);
  if (error instanceof ApiError && error.status === 0) {
    message = t('errorNetwork');
  }
  if (error instanceof ApiError && error.status === 429) {
    message = t('error429');
  }
  if (error instanceof ApiError && error.status === 401) {
    signOut(t('error401'));
    return;
  }
  const field = error instanceof ApiError ? error.field : null;
  let target = field ? root.querySelector(`[data-error-for="${CSS.escape(field)}"]`) : null;
  if (target) {
    const input = root.querySelector(`[name="${CSS.escape(field)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  } else {
    target = root.querySelector('[data-error-for="_form"]') || $('#' + view + '-error');
    if (field) {
      message = field + ': ' + message;
    }
  }
  if (target) {
    target.textContent = message;
  }
}

/** The value of a number field: a number if it reads as one, the text otherwise (the API judges it). */
function numberOrText(value) {
  const trimmed = value.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

// ---------------------------------------------------------------- sign-in and navigation

async function signIn(candidate) {
  setToken(candidate);
  const me = await api('GET', '/api/me');
  role = me.role;
  $('#view-sign-in').hidden = true;
  $('#sign-out').hidden = false;
  $('#who').textContent = role === 'admin' ? t('signedInAdmin') : `${me.displayName} <${me.email}>`;
  if (role === 'admin') {
    $('#tabs').hidden = false;
    show('users');
  } else {
    $('#tabs').hidden = true;
    show('mine');
  }
}

function signOut(message) {
  setToken(null);
  role = null;
  stopPolling();
  stopStreams();
  for (const v of document.querySelectorAll('.view')) {
    v.hidden = true;
  }
  for (const body of ['#users-body', '#meetings-body', '#audit-body', '#mine-list']) {
    $(body).replaceChildren();
  }
  lastRendered = {};
  $('#tabs').hidden = true;
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  $('#view-sign-in').hidden = false;
  $('#sign-in-token').value = '';
  clearErrors($('#sign-in-form'));
  if (message) {
    $('#sign-in-token-error').textContent = message;
  }
  $('#sign-in-token').focus();
}

function stopPolling() {
  pollGeneration++;
  if (pollTimer) {
    clearTimeout(pollTimer);
    pollTimer = null;
  }
}

function poll(load) {
  stopPolling();
  const generation = pollGeneration;
  const tick = async () => {
    const started = Date.now();
    await load();
    if (generation === pollGeneration && view && role) {
      // Every 2 s from the start of the last request, not 2 s after its answer.
      pollTimer = setTimeout(tick, Math.max(0, POLL_MS - (Date.now() - started)));
    }
  };
  tick();
}

function show(name) {
  view = name;
  stopPolling();
  if (name !== 'mine') {
    stopStreams();
  }
  for (const v of document.querySelectorAll('.view')) {
    v.hidden = v.id !== 'view-' + name;
  }
  for (const tab of document.querySelectorAll('.tab')) {
    tab.setAttribute('aria-current', tab.dataset.view === name ? 'page' : 'false');
  }
  lastRendered[name] = null;
  if (name === 'users') {
    loadUsers();
  } else if (name === 'meetings') {
    poll(loadMeetings);
  } else if (name === 'settings') {
    loadSettings();
  } else if (name === 'audit') {
    auditPages = [null];
    loadAudit();
  } else if (name === 'mine') {
    poll(loadMine);
  }
}

// ---------------------------------------------------------------- secrets shown once

/** Shows a PIN or token once; closing the dialog removes it from the page. */
function showSecret(title, note, secret, mailLine) {
  $('#secret-title').textContent = title;
  $('#secret-note').textContent = note;
  $('#secret-value').textContent = secret;
  $('#secret-mail').textContent = mailLine || '';
  $('#secret-copy').textContent = t('copy');
  $('#secret-dialog').showModal();
  $('#secret-close').focus();
}

function mailLine(mail) {
  if (!mail) {
    return '';
  }
  if (mail.sent) {
    return t('mailSent', mail.to);
  }
  if (mail.error) {
    return t('mailFailed', mail.to || '', mail.error);
  }
  return t('mailNone');
}

// ---------------------------------------------------------------- users

let users = [];

async function loadUsers() {
  try {
    users = await api('GET', '/api/users');
    if (!role) {
      return; // signed out meanwhile: draw nothing
    }
    clearErrors($('#view-users'));
    renderUsers();
  } catch (e) {
    showError($('#view-users'), e);
  }
}

function renderUsers() {
  const query = $('#user-search').value.trim().toLowerCase();
  const rows = users
    .filter((u) => !query || u.email.toLowerCase().includes(query) || (u.displayName || '').toLowerCase().includes(query))
    .map((u) => {
      const lock = u.locked ? t('locked', when(u.lockedUntil)) : t('notLocked');
      const failures = u.recentPinFailures > 0 ? ' · ' + t('failures', u.recentPinFailures) : '';
      const act = (action, label, disabled) =>
        h('button', { type: 'button', dataset: { action, email: u.email }, disabled }, t(label));
      return h('tr', { dataset: { email: u.email } },
        h('td', { 'data-label': t('email') }, u.email),
        h('td', { 'data-label': t('displayName') }, u.displayName),
        h('td', { 'data-label': t('pin'), class: 'pin' }, u.pin),
        h('td', { 'data-label': t('lockout'), class: u.locked ? 'locked' : '' }, lock + failures),
        h('td', { 'data-label': t('status') }, t(u.enabled ? 'enabled' : 'disabled')),
        h('td', { 'data-label': t('sipUsername') }, u.sipUsername || ''),
        h('td', { 'data-label': t('actions'), class: 'actions' },
          act('reset', 'resetPin'),
          act('clear-lockout', 'clearLockout', !u.locked && u.recentPinFailures === 0),
          act('sip', 'sipCredentials'),
          act('token', 'issueToken'),
          act('disable', 'disable', !u.enabled)));
    });
  $('#users-body').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 7 }, t('noEntries')))]));
}

async function userAction(action, email) {
  const region = $('#view-users');
  clearErrors(region);
  try {
    if (action === 'reset') {
      $('#reset-form').reset();
      clearErrors($('#reset-form'));
      $('#reset-form').dataset.email = email;
      $('#reset-user').textContent = email;
      $('#reset-dialog').showModal();
      $('#reset-send').focus();
    } else if (action === 'sip') {
      $('#sip-form').reset();
      clearErrors($('#sip-form'));
      $('#sip-form').dataset.email = email;
      $('#sip-user').textContent = email;
      const user = users.find((u) => u.email === email);
      $('#sip-username').value = user && user.sipUsername ? user.sipUsername : '';
      $('#sip-dialog').showModal();
      $('#sip-username').focus();
    } else if (action === 'token') {
      const issued = await api('POST', `/api/users/${encodeURIComponent(email)}/tokens`);
      showSecret(t('newToken', email), t('tokenOnce'), issued.token, '');
    } else if (action === 'disable') {
      if (confirm(t('confirmDisable', email))) {
        await api('POST', `/api/users/${encodeURIComponent(email)}/disable`);
        await loadUsers();
      }
    } else if (action === 'clear-lockout') {
      await api('POST', `/api/users/${encodeURIComponent(email)}/clear-lockout`);
      await loadUsers();
    }
  } catch (e) {
    showError(region, e);
  }
}

async function enableUser(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const body = {
    email: form.email.value.trim(),
    displayName: form.displayName.value.trim(),
    sendEmail: form.sendEmail.checked,
  };
  if (form.phone.value.trim()) {
    body.phone = form.phone.value.trim();
  }
  if (form.sendEmailToAddress.value.trim()) {
    body.sendEmailToAddress = form.sendEmailToAddress.value.trim();
  }
  try {
    const issued = await api('POST', '/api/users', body);
    form.reset();
    $('#enable-panel').open = false;
    showSecret(t('newPin', issued.email), t('pinOnce'), issued.pin, mailLine(issued.mail));
  } catch (e) {
    showError(form, e);
  }
}

async function resetPin(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const email = form.dataset.email;
  const body = { sendEmail: form.sendEmail.checked };
  if (form.sendEmailToAddress.value.trim()) {
    body.sendEmailToAddress = form.sendEmailToAddress.value.trim();
  }
  try {
    const issued = await api('POST', `/api/users/${encodeURIComponent(email)}/reset-pin`, body);
    $('#reset-dialog').close();
    showSecret(t('newPin', email), t('pinOnce'), issued.pin, mailLine(issued.mail));
  } catch (e) {
    showError(form, e);
  }
}

async function setSipCredentials(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const body = { username: form.username.value.trim(), password: form.password.value };
  try {
    await api('PUT', `/api/users/${encodeURIComponent(form.dataset.email)}/sip-credentials`, body);
    form.password.value = '';
    $('#sip-dialog').close();
    await loadUsers();
  } catch (e) {
    form.password.value = '';
    showError(form, e);
  }
}

// ---------------------------------------------------------------- meetings

const TRI_STATE = ['requirePinToStart', 'endOnOrganizerLeave', 'entryExitTones'];
const NUMBERS = ['lobbyTimeoutMinutes', 'maxParticipants'];

/** The policy fields of the create and change forms; an empty choice sends nothing. */
function buildPolicyFields(container, prefix, emptyLabel) {
  const fields = [];
  const error = (name) => h('p', { class: 'error', id: `${prefix}-${name}-error`, 'data-error-for': name, role: 'alert' });
  for (const name of TRI_STATE) {
    fields.push(h('div', { class: 'field' },
      h('label', { for: `${prefix}-${name}`, 'data-i18n': name }, t(name)),
      h('select', { id: `${prefix}-${name}`, name, 'aria-describedby': `${prefix}-${name}-error` },
        h('option', { value: '', 'data-i18n': emptyLabel }, t(emptyLabel)),
        h('option', { value: 'true', 'data-i18n': 'yes' }, t('yes')),
        h('option', { value: 'false', 'data-i18n': 'no' }, t('no'))),
      error(name)));
  }
  for (const name of NUMBERS) {
    fields.push(h('div', { class: 'field' },
      h('label', { for: `${prefix}-${name}`, 'data-i18n': name }, t(name)),
      h('input', { id: `${prefix}-${name}`, name, type: 'text', inputmode: 'numeric', autocomplete: 'off',
        'aria-describedby': `${prefix}-${name}-error` }),
      error(name)));
  }
  fields.push(h('div', { class: 'field' },
    h('label', { for: `${prefix}-admissionMode`, 'data-i18n': 'admissionMode' }, t('admissionMode')),
    h('select', { id: `${prefix}-admissionMode`, name: 'admissionMode', 'aria-describedby': `${prefix}-admissionMode-error` },
      h('option', { value: '', 'data-i18n': emptyLabel }, t(emptyLabel)),
      h('option', { value: 'automatic', 'data-i18n': 'automatic' }, t('automatic')),
      h('option', { value: 'organizer', 'data-i18n': 'byOrganizer' }, t('byOrganizer'))),
    error('admissionMode')));
  container.replaceChildren(...fields);
}

function policyBody(form, body) {
  for (const name of TRI_STATE) {
    if (form[name].value) {
      body[name] = form[name].value === 'true';
    }
  }
  for (const name of NUMBERS) {
    if (form[name].value.trim()) {
      body[name] = numberOrText(form[name].value);
    }
  }
  if (form.admissionMode.value) {
    body.admissionMode = form.admissionMode.value;
  }
  return body;
}

function stateText(state) {
  return t(state) || state;
}

function policySummary(m) {
  const parts = [
    `${t('requirePinToStart')}: ${t(m.requirePinToStart ? 'yes' : 'no')}`,
    `${t('admissionMode')}: ${t(m.admissionMode === 'organizer' ? 'byOrganizer' : 'automatic')}`,
    `${t('lobbyTimeoutMinutes')}: ${m.lobbyTimeoutMinutes}`,
  ];
  if (m.maxParticipants > 0) {
    parts.push(`${t('maxParticipants')}: ${m.maxParticipants}`);
  }
  return parts.join(' · ');
}

async function loadMeetings() {
  try {
    const meetings = await api('GET', '/api/meetings');
    if (!role) {
      return;
    }
    const drawn = JSON.stringify(meetings) + language();
    if (lastRendered.meetings === drawn) {
      return;
    }
    lastRendered.meetings = drawn;
    const rows = meetings.map((m) => {
      const act = (action, label) => h('button', { type: 'button', dataset: { action, id: m.conferenceId } }, t(label));
      return h('tr', { dataset: { conferenceId: m.conferenceId } },
        h('td', { 'data-label': t('conferenceId'), class: 'id' }, m.conferenceId),
        h('td', { 'data-label': t('organizer') }, m.organizerEmail),
        h('td', { 'data-label': t('state'), class: 'state' }, stateText(m.state),
          (m.talkers || []).length ? h('div', { class: 'talkers' }, `${t('speaking')}: `,
            m.talkers.map((tk) => tk.callerId || t('anonymous')).join(', ')) : null,
          // Cluster mode: the counts are over every node; this says where the callers are.
          (m.nodes || []).length ? h('div', { class: 'nodes' }, `${t('perNode')}: `,
            m.nodes.map((n) => t('nodeCounts', n.nodeId, n.participantCount, n.lobbyCount)).join('; ')) : null),
        h('td', { 'data-label': t('lobbyCount'), class: 'lobby-count' }, m.lobbyCount),
        h('td', { 'data-label': t('participantCount'), class: 'participant-count' }, m.participantCount),
        h('td', { 'data-label': t('policy'), class: 'policy-summary' }, policySummary(m)),
        h('td', { 'data-label': t('actions'), class: 'actions' },
          act('start', 'start'), act('admit', 'admit'), act('change', 'change'), act('end', 'end')));
    });
    $('#meetings-body').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 7 }, t('noEntries')))]));
  } catch (e) {
    showError($('#view-meetings'), e);
  }
}

async function meetingAction(action, id, region, reload) {
  clearErrors(region);
  try {
    if (action === 'change') {
      $('#meeting-form').reset();
      clearErrors($('#meeting-form'));
      $('#meeting-form').dataset.id = id;
      $('#meeting-dialog-id').textContent = t('conferenceId') + ' ' + id;
      $('#meeting-dialog').showModal();
      return;
    }
    if (action === 'end' && !confirm(t('confirmEnd', id))) {
      return;
    }
    const result = await api('POST', `/api/meetings/${encodeURIComponent(id)}/${action}`);
    if (action === 'admit') {
      region.querySelector('.ok') && (region.querySelector('.ok').textContent = t('admitted', result.admitted));
    }
    lastRendered[view] = null;
    await reload();
  } catch (e) {
    showError(region, e);
  }
}

async function createMeeting(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  try {
    await api('POST', '/api/meetings', policyBody(form, { organizerEmail: form.organizerEmail.value.trim() }));
    form.reset();
    $('#create-panel').open = false;
    lastRendered.meetings = null;
    await loadMeetings();
  } catch (e) {
    showError(form, e);
  }
}

async function changeMeeting(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  try {
    await api('PATCH', `/api/meetings/${encodeURIComponent(form.dataset.id)}`, policyBody(form, {}));
    $('#meeting-dialog').close();
    lastRendered[view] = null;
    await (view === 'mine' ? loadMine() : loadMeetings());
  } catch (e) {
    showError(form, e);
  }
}

// ---------------------------------------------------------------- settings

const SETTING_CHECKS = ['autoEmail', 'anonymousCanStart', 'endOnOrganizerLeave', 'entryExitTones'];
const SETTING_NUMBERS = ['pinLength', 'lobbyTimeoutMinutes', 'maxParticipants'];

async function loadSettings() {
  const form = $('#settings-form');
  clearErrors(form);
  $('#settings-saved').textContent = '';
  try {
    fillSettings(await api('GET', '/api/settings'));
  } catch (e) {
    showError(form, e);
  }
}

function fillSettings(s) {
  const form = $('#settings-form');
  for (const name of SETTING_CHECKS) {
    form[name].checked = !!s[name];
  }
  for (const name of SETTING_NUMBERS) {
    form[name].value = s[name];
  }
  form.language.value = s.language;
  form.admissionMode.value = s.admissionMode;
  form.dialInNumbers.value = (s.dialInNumbers || []).join('\n');
}

async function saveSettings(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  $('#settings-saved').textContent = '';
  const body = { language: form.language.value, admissionMode: form.admissionMode.value };
  for (const name of SETTING_CHECKS) {
    body[name] = form[name].checked;
  }
  for (const name of SETTING_NUMBERS) {
    body[name] = numberOrText(form[name].value);
  }
  body.dialInNumbers = form.dialInNumbers.value.split('\n').map((line) => line.trim()).filter((line) => line);
  try {
    fillSettings(await api('PATCH', '/api/settings', body));
    $('#settings-saved').textContent = t('saved');
  } catch (e) {
    showError(form, e);
  }
}

// ---------------------------------------------------------------- audit log

const AUDIT_PAGE = 50;

async function loadAudit() {
  const form = $('#audit-form');
  clearErrors(form);
  const params = new URLSearchParams({ limit: String(AUDIT_PAGE + 1) });
  const before = auditPages[auditPages.length - 1];
  if (before !== null) {
    params.set('before', before);
  }
  for (const name of ['actor', 'action', 'target']) {
    if (form[name].value.trim()) {
      params.set(name, form[name].value.trim());
    }
  }
  try {
    const entries = await api('GET', '/api/audit?' + params);
    if (!role) {
      return;
    }
    const more = entries.length > AUDIT_PAGE;
    const page = entries.slice(0, AUDIT_PAGE);
    const rows = page.map((e) => h('tr', { dataset: { id: e.id } },
      h('td', { 'data-label': t('when') }, when(e.at)),
      h('td', { 'data-label': t('actor') }, `${e.actor} (${e.actorRole})`),
      h('td', { 'data-label': t('from') }, e.clientAddress || ''),
      h('td', { 'data-label': t('action') }, e.action),
      h('td', { 'data-label': t('target') }, e.target || ''),
      h('td', { 'data-label': t('detail') }, e.detail || '')));
    $('#audit-body').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 6 }, t('noEntries')))]));
    $('#audit-older').disabled = !more;
    $('#audit-older').dataset.next = page.length ? page[page.length - 1].id : '';
    $('#audit-newer').disabled = auditPages.length <= 1;
  } catch (e) {
    showError(form, e);
  }
}

// ---------------------------------------------------------------- the organizer's page

async function loadMine() {
  const region = $('#view-mine');
  try {
    const me = await api('GET', '/api/me');
    if (!role) {
      return;
    }
    const drawn = JSON.stringify(me) + language() + Math.floor(Date.now() / 60000);
    if (lastRendered.mine === drawn) {
      return;
    }
    lastRendered.mine = drawn;
    const numbers = me.dialInNumbers || [];
    const cards = me.meetings.map((m) => {
      const waiting = m.lobby || (m.lobbyArrivals || []).map((since) => ({ callerId: '', since }));
      const lobby = waiting.length
        ? h('ol', { class: 'lobby-list' }, waiting.map((w) => {
          const minutes = Math.max(0, Math.floor((Date.now() - new Date(w.since).getTime()) / 60000));
          return h('li', {}, h('span', { class: 'caller' }, w.callerId || t('anonymous')), ' · ',
            t('waitingSince', new Date(w.since).toLocaleTimeString(language() === 'zh' ? 'zh-CN' : 'en'), minutes));
        }))
        : h('p', { class: 'hint' }, t('nobodyWaiting'));
      return h('article', { class: 'meeting-card', dataset: { conferenceId: m.conferenceId } },
        h('h3', {}, `${t('conferenceId')} `, h('span', { class: 'id' }, m.conferenceId)),
        h('dl', {},
          h('dt', {}, t('state')), h('dd', { class: 'state' }, stateText(m.state)),
          h('dt', {}, t('participantCount')), h('dd', { class: 'participant-count' }, m.participantCount),
          h('dt', {}, t('dialInUris')), h('dd', {}, h('ul', { class: 'uris' }, (m.dialInUris || []).map((u) => h('li', {}, h('code', {}, u))))),
          h('dt', {}, t('dialInNumbersShort')),
          h('dd', {}, numbers.length ? h('ul', { class: 'numbers' }, numbers.map((n) => h('li', {}, n))) : t('noNumbers')),
          h('dt', {}, t('policy')), h('dd', {}, policySummary(m))),
        h('h4', {}, t('speaking')),
        h('div', { class: 'talkers', 'aria-live': 'polite' }, ...talkerNodes(liveTalkers(m))),
        h('h4', {}, `${t('waitingLobby')} (`, h('span', { class: 'lobby-count' }, waiting.length), ')'),
        lobby,
        h('div', { class: 'buttons' },
          h('button', { type: 'button', class: 'primary', dataset: { action: 'start', id: m.conferenceId } }, t('startMeeting')),
          h('button', { type: 'button', dataset: { action: 'admit', id: m.conferenceId } }, t('admitLobby')),
          h('button', { type: 'button', dataset: { action: 'change', id: m.conferenceId } }, t('change')),
          h('button', { type: 'button', dataset: { action: 'end', id: m.conferenceId } }, t('end'))),
        h('p', { class: 'error', 'data-error-for': '_form', role: 'alert' }),
        h('p', { class: 'ok', role: 'status' }));
    });
    $('#mine-list').replaceChildren(...(cards.length ? cards : [h('p', {}, t('noMeetings'))]));
    $('#mine-error').textContent = '';
    watchMeetings(me.meetings.map((m) => m.conferenceId));
  } catch (e) {
    showError(region, e);
  }
}

// ---------------------------------------------------------------- who is speaking, live
// One event stream per meeting on the organizer's page (GET /api/meetings/{id}/events, read with
// fetch so that the token stays in the Authorization header, never in the URL). Talker events redraw
// the "Speaking now" list at once; count events redraw the page. When a stream cannot be opened or
// breaks, the page shows what polling brings (the talkers in /api/me) and tries again later.

const streams = new Map(); // conference ID -> { controller, talkers (null until the stream tells) }

function liveTalkers(m) {
  const s = streams.get(m.conferenceId);
  return s && s.talkers ? s.talkers : (m.talkers || []);
}

function talkerNodes(talkers) {
  return talkers.length
    ? [h('ul', { class: 'talker-list' }, talkers.map((tk) => h('li', { class: 'talker' }, tk.callerId || t('anonymous'))))]
    : [h('p', { class: 'hint' }, t('nobodySpeaking'))];
}

function drawTalkers(id, talkers) {
  for (const card of document.querySelectorAll('.meeting-card')) {
    if (card.dataset.conferenceId === id) {
      $('.talkers', card).replaceChildren(...talkerNodes(talkers));
    }
  }
}

function watchMeetings(ids) {
  for (const [id, s] of streams) {
    if (!ids.includes(id)) {
      streams.delete(id);
      s.controller.abort();
    }
  }
  for (const id of ids) {
    if (!streams.has(id)) {
      openStream(id);
    }
  }
}

function stopStreams() {
  const open = [...streams.values()];
  streams.clear();
  for (const s of open) {
    s.controller.abort();
  }
}

async function openStream(id) {
  const s = { controller: new AbortController(), talkers: null };
  streams.set(id, s);
  try {
    const response = await fetch('/api/meetings/' + encodeURIComponent(id) + '/events', {
      headers: { Authorization: 'Bearer ' + (token() || ''), Accept: 'text/event-stream' },
      cache: 'no-store', credentials: 'omit', signal: s.controller.signal,
    });
    if (!response.ok || !response.body) {
      throw new Error('HTTP ' + response.status);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let first = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) {
            name = line.slice(7);
          } else if (line.startsWith('data: ')) {
            data += line.slice(6);
          }
        }
        if (data && streams.get(id) === s) {
          const event = JSON.parse(data);
          if (name === 'talkers' || (name === 'meeting' && event.talkers)) {
            s.talkers = event.talkers || [];
            drawTalkers(id, s.talkers);
          }
          if (name === 'meeting' && !first && role && view === 'mine') {
            loadMine(); // counts changed: redraw now rather than at the next poll
          }
          first = false;
        }
      }
    }
  } catch (e) {
    // aborted on purpose, refused (429, 403) or cut: polling goes on showing the meeting
  }
  s.talkers = null;
  if (streams.get(id) === s) {
    setTimeout(() => {
      if (streams.get(id) === s) {
        streams.delete(id);
        if (role && view === 'mine') {
          openStream(id);
        }
      }
    }, STREAM_RETRY_MS);
  }
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('#lang').addEventListener('change', (e) => {
    setLanguage(e.target.value, true);
    buildPolicyFields($('#create-policy'), 'create', 'tenantDefault');
    buildPolicyFields($('#change-policy'), 'change', 'unchanged');
    if (view && role) {
      lastRendered[view] = null;
      if (view === 'users') {
        renderUsers();
      } else if (view === 'audit') {
        loadAudit();
      } else if (view === 'meetings') {
        loadMeetings();
      } else if (view === 'mine') {
        loadMine();
      }
    }
  });
  $('#sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    clearErrors(form);
    const candidate = form.token.value.trim();
    form.token.value = '';
    try {
      await signIn(candidate);
    } catch (e) {
      setToken(null);
      const message = !(e instanceof ApiError) ? e.message
        : e.status === 401 ? t('error401')
        : e.status === 429 ? t('error429')
        : e.message;
      $('#sign-in-token-error').textContent = message;
      form.token.focus();
    }
  });
  $('#sign-out').addEventListener('click', () => signOut());
  for (const tab of document.querySelectorAll('.tab')) {
    tab.addEventListener('click', () => show(tab.dataset.view));
  }
  $('#enable-form').addEventListener('submit', enableUser);
  $('#user-search').addEventListener('input', renderUsers);
  $('#users-body').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (button) {
      userAction(button.dataset.action, button.dataset.email);
    }
  });
  $('#reset-form').addEventListener('submit', resetPin);
  $('#sip-form').addEventListener('submit', setSipCredentials);
  $('#create-form').addEventListener('submit', createMeeting);
  $('#meeting-form').addEventListener('submit', changeMeeting);
  $('#meetings-body').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (button) {
      meetingAction(button.dataset.action, button.dataset.id, $('#view-meetings'), loadMeetings);
    }
  });
  $('#mine-list').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (button) {
      meetingAction(button.dataset.action, button.dataset.id, button.closest('.meeting-card'), loadMine);
    }
  });
  $('#settings-form').addEventListener('submit', saveSettings);
  $('#audit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    auditPages = [null];
    loadAudit();
  });
  $('#audit-older').addEventListener('click', (e) => {
    auditPages.push(e.target.dataset.next);
    loadAudit();
  });
  $('#audit-newer').addEventListener('click', () => {
    if (auditPages.length > 1) {
      auditPages.pop();
    }
    loadAudit();
  });
  for (const dialog of document.querySelectorAll('dialog')) {
    for (const cancel of dialog.querySelectorAll('.cancel')) {
      cancel.addEventListener('click', () => dialog.close());
    }
  }
  $('#sip-dialog').addEventListener('close', () => {
    $('#sip-password').value = '';
  });
  $('#secret-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($('#secret-value').textContent);
      $('#secret-copy').textContent = t('copied');
    } catch (e) {
      window.getSelection().selectAllChildren($('#secret-value'));
    }
  });
  $('#secret-close').addEventListener('click', () => $('#secret-dialog').close());
  // Closing the dialog, by the button or Escape, leaves the secret nowhere on the page.
  $('#secret-dialog').addEventListener('close', () => {
    $('#secret-value').textContent = '';
    $('#secret-title').textContent = '';
    $('#secret-mail').textContent = '';
    if (view === 'users') {
      loadUsers();
    }
  });
}

async function init() {
  const lang = initialLanguage();
  $('#lang').value = lang;
  setLanguage(lang, false);
  buildPolicyFields($('#create-policy'), 'create', 'tenantDefault');
  buildPolicyFields($('#change-policy'), 'change', 'unchanged');
  wire();
  const saved = token();
  if (saved) {
    try {
      await signIn(saved);
      return;
    } catch (e) {
      setToken(null);
    }
  }
  signOut();
}

init();
