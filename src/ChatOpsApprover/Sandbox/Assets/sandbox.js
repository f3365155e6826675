// The sandbox page's only script: live updates and forms without page reloads. Without it the page still works
// (forms post and come back), it just does not update by itself.
(() => {
  'use strict';
  const workspace = document.getElementById('workspace');
  const as = document.body.dataset.as;
  if (!workspace || !as) {
    return;
  }

  let busy = false;
  let again = false;

  // Fetches the panes and swaps them in, keeping what the person is in the middle of: an open modal they are
  // typing in (unless the bot changed it), open threads, and scroll positions.
  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const response = await fetch('/sandbox/panes?as=' + encodeURIComponent(as), { cache: 'no-store', credentials: 'same-origin' });
      if (response.ok) {
        swap(await response.text());
      }
    } catch (e) {
      // The bot is restarting or stopped; the next event brings the page up to date.
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  function swap(html) {
    const next = document.createElement('template');
    next.innerHTML = html;
    const oldModal = workspace.querySelector('[data-keep]');
    const newModal = next.content.querySelector('[data-keep]');
    if (oldModal && newModal && oldModal.dataset.keep === newModal.dataset.keep) {
      newModal.replaceWith(oldModal);
    }
    const open = new Set([...workspace.querySelectorAll('details[open]')].map(d => d.id));
    next.content.querySelectorAll('details').forEach(d => { if (open.has(d.id)) { d.open = true; } });
    const scrolls = new Map([...workspace.querySelectorAll('.pane[id]')].map(p => [p.id, p.scrollTop]));
    workspace.replaceChildren(next.content);
    workspace.querySelectorAll('.pane[id]').forEach(p => { if (scrolls.has(p.id)) { p.scrollTop = scrolls.get(p.id); } });
  }

  const events = new EventSource('/sandbox/events');
  events.addEventListener('change', refresh);
  events.addEventListener('open', refresh);

  // Forms post in the background; the change they cause arrives as an event.
  document.addEventListener('submit', async event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') {
      return;
    }
    const submitter = event.submitter;
    if (submitter && submitter.dataset.confirm && !window.confirm(submitter.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form, submitter || undefined));
    const action = submitter && submitter.hasAttribute('formaction') ? submitter.formAction : form.action;
    const composer = form.id === 'composer-form' ? form.querySelector('input[name="text"]') : null;
    if (composer) {
      composer.value = '';
    }
    form.classList.add('sending');
    try {
      const response = await fetch(action, { method: 'POST', body, credentials: 'same-origin', headers: { 'X-Sandbox-Fetch': '1' } });
      if (!response.ok) {
        window.alert(await response.text());
      }
    } finally {
      form.classList.remove('sending');
      refresh();
    }
  });

  // A choice in a select is a click, as in Slack; the person picker switches who you are.
  document.addEventListener('change', event => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement)) {
      return;
    }
    if (select.hasAttribute('data-navigate')) {
      select.form.submit();
      return;
    }
    if (select.dataset.element) {
      const button = document.createElement('button');
      button.type = 'submit';
      button.name = 'element';
      button.value = select.dataset.element;
      button.formAction = select.dataset.formaction;
      button.formNoValidate = true;
      button.hidden = true;
      select.form.append(button);
      select.form.requestSubmit(button);
      button.remove();
    }
  });
})();
