// The Tether demo: a shared list, built on the client library exactly as an app would use it.
import { TetherAuth, TetherClient, webStorage } from '/client/tether.js';

const $ = (id) => document.getElementById(id);
const auth = new TetherAuth({ storage: webStorage(sessionStorage, 'tether-demo-auth:') });
let client;
let space;

function say(text) { $('message').textContent = text; }

function show(section) {
  for (const id of ['signin', 'spaces', 'list']) $(id).hidden = !section.includes(id);
  $('account').hidden = !section.includes('spaces');
}

// ---- signing in

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const register = event.submitter && event.submitter.value === 'register';
  // The server's minimum (auth.minPasswordLength, 8); logging in with an older, shorter one still works.
  if (register && $('password').value.length < 8) { say('Choose a password of at least 8 characters'); return; }
  try {
    await (register ? auth.register : auth.login).call(auth, $('email').value, $('password').value);
    start($('display-name').value.trim());
  } catch (error) {
    say(error.message);
  }
});

// Forgotten password: the server emails a link back to this page (mail.resetUrl), #reset=CODE.
$('forgot').addEventListener('click', async () => {
  if (!$('email').value) { say('Enter your email first'); return; }
  try {
    await auth.requestPasswordReset($('email').value);
    say('If an account has this address, a reset link is on its way');
  } catch (error) {
    say(error.message);
  }
});

$('reset-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await auth.resetPassword($('reset-form').dataset.code, $('new-password').value);
    $('reset-form').hidden = true;
    start();
  } catch (error) {
    say(error.code === 'code_used' ? 'This link has been used already: ask for a new one'
      : error.code === 'code_expired' ? 'This link has expired: ask for a new one' : error.message);
  }
});

async function start(displayName) {
  // Each user keeps their own cursors and offline queue in this browser.
  client = new TetherClient({ token: auth.token, storage: webStorage(localStorage, `tether-demo:${auth.userId}:`) });
  client.on('status', (status) => {
    $('status').textContent = status;
    $('status').className = `status ${status}`;
    $('toggle-online').textContent = status === 'paused' ? 'Go online' : 'Go offline';
  });
  client.on('error', (error) => say(error.message));
  client.connect();
  // Others see the name, never the user id.
  const me = displayName ? await client.updateMe({ displayName }) : await client.me();
  $('me').textContent = me.displayName || me.email || 'you';
  $('me').dataset.userId = auth.userId;
  $('toggle-online').hidden = false;
  show(['spaces']);
  listSpaces();
  // Opened from an invite link: a link anyone can send, so ask before joining anything.
  if (location.hash.startsWith('#invite=')) {
    const link = location.hash;
    history.replaceState(null, '', location.pathname);
    $('join-code').value = link;
    if (confirm('This invite link asks you to join a shared list. Join it?')) join(link);
  }
}

$('toggle-online').addEventListener('click', () => (client.status === 'paused' ? client.resume() : client.pause()));

// ---- opening a space

// The server makes the id: two people can each have a space called Groceries.
$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const made = await client.createSpace($('new-space').value.trim());
    $('new-space').value = '';
    openSpace(made.id, made.name);
    listSpaces();
  } catch (error) {
    say(error.message);
  }
});

async function listSpaces() {
  try {
    const { spaces } = await client.spaces({ limit: 20 });
    $('my-spaces').replaceChildren(...spaces.map((s) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'my-space';
      button.textContent = s.name || s.id;
      button.addEventListener('click', () => openSpace(s.id, s.name));
      li.append(button, ` ${s.role}`);
      return li;
    }));
  } catch (error) {
    say(error.message);
  }
}

// An invite link (…#invite=CODE) or its bare code: accept it, then open the space it is for.
async function join(link) {
  const code = link.includes('invite=') ? link.slice(link.indexOf('invite=') + 7) : link;
  try {
    const joined = await client.acceptInvite(code.trim());
    const described = await client.request('GET', `/v1/spaces/${encodeURIComponent(joined.space)}`);
    $('join-code').value = '';
    openSpace(joined.space, described.name);
    listSpaces();
  } catch (error) {
    say(error.message);
  }
}

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  join($('join-code').value);
});

function openSpace(id, name) {
  if (space) space.close();
  space = client.space(id);
  const opened = space;
  space.on('deleted', () => {
    if (space !== opened) return;
    space = null;
    show(['spaces']);
    listSpaces();
    say(`${name || id} was deleted by its owner`);
  });
  space.on('change', render);
  space.on('presence', renderPresence);
  space.on('signal', ({ from, data }) => say(`${nameOf(from)} ${data.wave ? 'waves 👋' : 'signals'}`));
  space.on('conflict', ({ current }) => say(`Someone changed that item first; it now reads “${current && current.data ? current.data.text : 'deleted'}”`));
  space.on('rejected', ({ error }) => say(`Not saved: ${error.message || error.code}`));
  $('space-name').textContent = name || id;
  $('space-name').dataset.spaceId = id;
  show(['spaces', 'list']);
  render();
  renderPresence(space.presence);
}

// ---- the list

$('add-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('new-item').value.trim();
  $('new-item').value = '';
  typing(false);
  // Ids are made on the device, so items can be created offline.
  if (text) space.put('items', `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, { text });
});

function render() {
  const list = $('items');
  const editing = document.activeElement && document.activeElement.classList.contains('item-text')
    ? { id: document.activeElement.parentElement.dataset.id, value: document.activeElement.value } : null;
  const items = space.documents('items').sort((a, b) => (a.id < b.id ? -1 : 1));
  list.replaceChildren(...items.map((doc) => {
    const li = document.createElement('li');
    li.dataset.id = doc.id;
    li.className = doc.pending ? 'pending' : '';
    const text = document.createElement('input');
    text.className = 'item-text';
    text.value = doc.data.text;
    const save = () => {
      const current = space.get('items', doc.id);
      if (!text.value.trim()) text.value = current ? current.data.text : ''; // an empty item is a slip, not an edit
      else if (current && current.data.text !== text.value) space.patch('items', doc.id, { text: text.value });
    };
    text.addEventListener('blur', save);
    text.addEventListener('keydown', (event) => event.key === 'Enter' && save());
    const remove = document.createElement('button');
    remove.className = 'delete';
    remove.textContent = 'Delete';
    remove.addEventListener('click', () => space.delete('items', doc.id));
    li.append(text, remove);
    return li;
  }));
  $('pending').textContent = space.pending ? `${space.pending} not yet saved` : '';
  // Someone else's change must not take away the item this user is typing in.
  const still = editing && list.querySelector(`li[data-id="${CSS.escape(editing.id)}"] .item-text`);
  if (still) {
    still.value = editing.value;
    still.focus();
  }
}

// ---- presence: who is here, who is typing

/** What people are called here: their display name, never their user id. */
function nameOf(userId) {
  const member = space && space.presence.get(userId);
  return (member && member.displayName) || 'someone without a name';
}

function renderPresence(members) {
  $('presence').replaceChildren(...[...members.values()].map((m) => {
    const chip = document.createElement('span');
    chip.className = `member${m.state && m.state.typing ? ' typing' : ''}`;
    chip.dataset.userId = m.userId;
    const name = m.displayName || 'someone without a name';
    chip.textContent = m.userId === auth.userId ? `${name} (you)` : name;
    return chip;
  }));
}

// Sent only when it flips, not per keystroke: presence updates share a small per-second budget.
let typingTimer;
let isTyping = false;
function typing(on) {
  clearTimeout(typingTimer);
  if (on) typingTimer = setTimeout(() => typing(false), 2000);
  if (on !== isTyping) {
    isTyping = on;
    space.setPresence({ typing: on });
  }
}
$('new-item').addEventListener('input', () => typing(true));

$('invite').addEventListener('click', async () => {
  try {
    const made = await client.invite(space.id, { role: 'writer', maxUses: 10, expiresInHours: 48 });
    $('invite-link').value = made.url;
    $('invite-link').hidden = false;
    say('Invite link ready: share it (10 uses, 48 hours)');
  } catch (error) {
    say(error.message);
  }
});

$('leave').addEventListener('click', async () => {
  try {
    await client.leave(space.id);
    space.close();
    space = null;
    show(['spaces']);
    listSpaces();
    say('You left the space');
  } catch (error) {
    say(error.code === 'conflict' ? 'The last owner cannot leave' : error.message);
  }
});

$('delete-space').addEventListener('click', async () => {
  try {
    await client.deleteSpace(space.id);
    say('Space deleted');
  } catch (error) {
    say(error.code === 'forbidden' ? 'Only owners delete a space' : error.message);
  }
});

// Spaces only this user owns pass to their longest-standing writer, or go if there is none.
$('delete-account-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!confirm('Delete your account? This cannot be undone.')) return;
  const password = $('delete-password').value;
  try {
    await client.deleteAccount(password ? { password } : {});
    await auth.logout();
    show(['signin']);
    say('Your account is deleted');
  } catch (error) {
    say(error.code === 'reauthentication_required' ? 'Enter your password to delete your account' : error.message);
  }
});

$('wave').addEventListener('click', () => space.signal({ wave: true }));

// Log out: this browser forgets the session (the server ends it); the lists stay saved for next time.
$('logout').addEventListener('click', async () => {
  if (space) space.close();
  space = null;
  if (client) client.close();
  await auth.logout().catch(() => {});
  $('toggle-online').hidden = true;
  $('status').textContent = 'offline';
  $('status').className = 'status offline';
  show(['signin']);
  say('Logged out');
});

// Opened from an email: a reset link asks for the new password, a verification link verifies.
const emailed = location.hash.match(/^#(reset|verify)=([A-Za-z0-9_-]+)$/);
if (emailed) {
  history.replaceState(null, '', location.pathname);
  if (emailed[1] === 'reset') {
    $('signin-form').hidden = true;
    $('reset-form').hidden = false;
    $('reset-form').dataset.code = emailed[2];
  } else {
    auth.verifyEmail(emailed[2]).then((answer) => say(`${answer.email} is verified`), (error) => say(error.message));
  }
}

// A session from before this page load: go straight in.
if (!emailed || emailed[1] !== 'reset') auth.restore().then((signedIn) => signedIn && start());
