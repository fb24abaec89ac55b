// The seed flow a new user clicks, on the emulator: create MPSAnalysis from the MPS
// Webhook template, authorize the service roles and bind the MPS trigger, run a
// video-processing task, see the invocation in the log query and the summary in COS.
// Then the same through the setup wizard, in Chinese, for a second team.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, hydrated, watchErrors, noLeakedCode } from './harness.mjs';

const OWNER = { email: 'flow@example.com', password: 'flow-password-123' };

let server;
let browser;
let shots;

before(async () => {
  server = await startServer('flow');
  browser = await launchBrowser();
  shots = screenshotDir('flow');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

let n = 0;
async function shot(page, name) {
  n += 1;
  await noLeakedCode(page);
  await page.screenshot({ path: join(shots, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
}

const nav = (page) => page.getByRole('navigation', { name: /Console navigation|控制台导航/ });

/** Opens folders of the COS browser until the object list shows a JSON summary; opens it. */
async function openSummary(page, taskId) {
  for (let depth = 0; depth < 8; depth += 1) {
    const summary = page.locator('a.object-link', { hasText: taskId.replace(/[^A-Za-z0-9_.-]/g, '_') });
    if (await summary.count()) {
      await summary.first().click();
      return;
    }
    const folder = page.locator('#object-table tr.folder a').first();
    await folder.waitFor();
    const before = page.url();
    await folder.click();
    await page.waitForURL((u) => u.toString() !== before);
    await page.locator('#object-table').waitFor();
  }
  throw new Error('no summary object found');
}

test('classic pages: function from template, MPS trigger with role authorization, task, log, COS', async () => {
  const context = await browser.newContext();
  const errors = watchErrors(context);
  const page = await context.newPage();

  // 1. Sign in (first run creates the owner).
  await page.goto(server.base + '/setup');
  await hydrated(page);
  // Values the browser lets through but the server refuses: every field says what is wrong
  // at once.
  await page.getByLabel('Team name').fill(' ');
  await page.getByLabel('Name', { exact: true }).fill('Flow Owner');
  await page.getByLabel('Email').fill('flow@example');
  await page.getByLabel('Choose a password').fill('short');
  await page.getByRole('button', { name: 'Create owner and sign in' }).click();
  for (const field of ['team_name', 'email', 'password']) {
    await page.locator(`#${field}-error`).waitFor();
  }
  assert.equal(await page.locator('#display_name-error').count(), 0);
  await page.getByLabel('Team name').fill('Media');
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Choose a password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner and sign in' }).click();
  await page.waitForURL(server.base + '/');
  await hydrated(page);
  await shot(page, 'signed-in');

  // 2. Functions page: region in the URL, shareable and kept on reload.
  await nav(page).getByRole('link', { name: 'Functions' }).click();
  await page.waitForURL('**/scf/functions**');
  await page.locator('#region-select').selectOption('1');
  await page.waitForURL(/rid=1&ns=default/);
  // The region chosen outlasts a reload: on any page, the server renders the navigation's
  // Functions link to it (from a cookie), and the link leads there.
  await page.waitForFunction(() => document.cookie.includes('scf_loc=1.default'));
  const members = await (await page.request.get(server.base + '/team/members')).text();
  assert.match(members, /href="\/scf\/functions\?rid=1&(amp;)?ns=default"/);
  await page.goto(server.base + '/team/members');
  await hydrated(page);
  await nav(page).getByRole('link', { name: 'Functions' }).click();
  await page.waitForURL(/\/scf\/functions\?rid=1&ns=default/);
  await page.locator('#region-select').selectOption('8');
  await page.waitForURL(/rid=8&ns=default/);
  await page.reload();
  await hydrated(page);
  assert.equal(await page.locator('#region-select').inputValue(), '8');
  await page.getByText('No functions in this namespace yet.').waitFor();
  await shot(page, 'functions-empty');
  // A region ID in the address that names no region: Beijing is shown, and the page says so.
  await page.goto(server.base + '/scf/functions?rid=999&ns=default');
  await hydrated(page);
  await page.locator('#region-unknown').getByText('999').waitFor();
  assert.equal(await page.locator('#region-select').inputValue(), '8');
  await page.goto(server.base + '/scf/functions?rid=8&ns=default');
  await hydrated(page);
  assert.equal(await page.locator('#region-unknown').count(), 0);

  // New → template → fuzzy search with a typo → details with download → name → Next → Complete.
  await page.locator('#new-function').click();
  await page.waitForURL(/\/scf\/functions\/new\?rid=8&ns=default/);
  await hydrated(page);
  await page.locator('#template-search').fill('mps webhok');
  const card = page.locator('.template-card[data-template="demo-nodejs89-mps-webhook"]');
  await card.waitFor();
  assert.equal(await page.locator('.template-card').count(), 1, 'the typo still finds only the MPS template');
  await shot(page, 'template-search');
  await card.getByRole('button', { name: 'View details' }).click();
  const details = page.locator('#template-details');
  await details.waitFor();
  await details.getByText('exports.main_handler').first().waitFor();
  const zipHref = await page.locator('#template-download').getAttribute('href');
  const zip = await page.request.get(server.base + zipHref);
  assert.equal(zip.status(), 200);
  assert.equal((await zip.body()).subarray(0, 2).toString(), 'PK');
  await shot(page, 'template-details');
  // Keyboard use as in a native dialog: focus is inside, Tab stays inside, and Escape
  // closes it, giving the focus back to the button that opened it.
  const focusInside = (id) => page.evaluate((id) => document.getElementById(id)?.contains(document.activeElement), id);
  assert.ok(await focusInside('template-details'));
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await focusInside('template-details'), `Tab ${i + 1} left the dialog`);
  }
  await page.keyboard.press('Shift+Tab');
  assert.ok(await focusInside('template-details'));
  await page.keyboard.press('Escape');
  await details.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'View details');
  // Enter on the focused button opens the details again (the card's own keys leave it be).
  await page.keyboard.press('Enter');
  await details.waitFor();
  // Nothing picked yet: a line says why Next is greyed out, and the dialog's own button
  // picks the template.
  await page.locator('#next-hint').waitFor();
  await details.getByRole('button', { name: 'Use this template' }).click();
  await details.waitFor({ state: 'hidden' });
  assert.equal(await card.getAttribute('aria-selected'), 'true');
  await page.locator('#next-hint').waitFor({ state: 'hidden' });
  await card.click();
  assert.equal(await card.getAttribute('aria-selected'), 'true');
  await page.locator('#fn-name').fill('1bad');
  await page.getByText('Must start with a letter.').waitFor();
  assert.ok(await page.locator('#next-step').isDisabled());
  await page.locator('#fn-name').fill('MPSAnalysis');
  // The description's rule is checked on this step, where the field is.
  const description = await page.locator('#fn-description').inputValue();
  await page.locator('#fn-description').fill('v1 - test (prod)');
  await page.locator('#step-basic').getByText('Only letters, digits, spaces, commas, periods and line breaks.').waitFor();
  assert.ok(await page.locator('#next-step').isDisabled());
  assert.ok(description.length > 0, 'the template fills in its description');
  // A description of one's own goes with step 1's choices (a reload on step 2 keeps it).
  await page.locator('#fn-description').fill('Summaries of MPS tasks, kept in COS');
  assert.ok(await page.locator('#next-step').isEnabled());
  assert.equal(await page.locator('#fn-runtime').inputValue(), 'Nodejs8.9');
  await page.locator('#next-step').click();
  await page.locator('#step-config').waitFor();
  // The step is in the address with step 1's choices: a reload comes back to it.
  assert.match(page.url(), /step=config&method=template&name=MPSAnalysis&template=demo-nodejs89-mps-webhook/);
  await page.reload();
  await hydrated(page);
  await page.locator('#step-config').waitFor();
  await page.waitForFunction(() => document.querySelector('#fn-variables')?.value.startsWith('COS_BUCKET='));
  // Back, a reload on step 1 (which forgets the form), Forward: step 2 follows its
  // address again, choices included.
  await page.goBack();
  await page.locator('#step-basic').waitFor();
  await page.reload();
  await hydrated(page);
  await page.goForward();
  await page.locator('#step-config').waitFor();
  await page.waitForFunction(() => document.querySelector('#fn-variables')?.value.startsWith('COS_BUCKET='));
  assert.equal(await page.locator('#fn-name').inputValue(), 'MPSAnalysis');
  assert.equal(await page.locator('#fn-description').inputValue(), 'Summaries of MPS tasks, kept in COS');
  assert.equal(await page.locator('#fn-memory').inputValue(), '128');
  assert.equal(await page.locator('#fn-timeout').inputValue(), '3');
  const variables = await page.locator('#fn-variables').inputValue();
  assert.match(variables, /^COS_BUCKET=media-\d+\nCOS_REGION=ap-beijing$/);
  assert.equal(await page.locator('#fn-role').inputValue(), 'SCF_QcsRole');
  await shot(page, 'function-config');
  // Bad values get their field's message as they are typed, all at once, the field keeps
  // what was typed, and Complete waits until they are fixed.
  await page.locator('#fn-timeout').fill('1.5');
  assert.equal(await page.locator('#fn-timeout').inputValue(), '1.5');
  await page.locator('#fn-role').fill('bad role!');
  await page.locator('#fn-variables').fill('COS_BUCKET=media-1250000000\nCOS_REGION');
  await page.locator('#fn-timeout-problem', { hasText: 'Enter a whole number of seconds from 1 to 900.' }).waitFor();
  await page.locator('#fn-role-problem', { hasText: 'A role name has only letters, digits and +=,.@_- (at most 128).' }).waitFor();
  await page.locator('#fn-variables-problem', { hasText: 'Line 2: Each line is KEY=VALUE, both non-empty.' }).waitFor();
  assert.ok(await page.locator('#complete').isDisabled());
  await shot(page, 'function-config-problems');
  await page.locator('#fn-timeout').fill('3');
  await page.locator('#fn-role').fill('SCF_QcsRole');
  await page.locator('#fn-variables').fill(variables);
  await page.locator('#fn-timeout-problem').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.field-error').count(), 0);
  await page.locator('#complete').click();
  await page.waitForURL(/\/scf\/function\?rid=8&ns=default&name=MPSAnalysis/, { timeout: 30_000 });
  await page.locator('#function-facts').getByText('Active').waitFor();
  await shot(page, 'function-detail');
  // Its configuration is edited in place: problems as typed, then saved and shown.
  await hydrated(page);
  await page.locator('#edit-config').click();
  assert.equal(await page.locator('#edit-timeout').inputValue(), '3');
  assert.match(await page.locator('#edit-variables').inputValue(), /^COS_BUCKET=media-\d+\nCOS_REGION=ap-beijing$/);
  await page.locator('#edit-timeout').fill('0');
  await page.locator('#edit-timeout-problem').waitFor();
  assert.ok(await page.locator('#edit-save').isDisabled());
  await page.locator('#edit-timeout').fill('5');
  await page.locator('#edit-description').fill('Summaries of MPS tasks, kept in COS, edited');
  await page.locator('#edit-save').click();
  await page.getByText('Configuration saved').waitFor();
  await page.locator('#function-facts').getByText('5 s').waitFor();
  await page.locator('#function-facts').getByText('Summaries of MPS tasks, kept in COS, edited').waitFor();
  await page.locator('#edit-config').click();
  await page.locator('#edit-cancel').click();
  await page.locator('#config-edit').waitFor({ state: 'detached' });

  // The same name again: the cloud's answer shows next to the name, on the first step.
  await page.goto(server.base + '/scf/functions/new?rid=8&ns=default');
  await hydrated(page);
  await page.getByLabel('Blank function').check();
  await page.locator('#fn-name').fill('MPSAnalysis');
  await page.locator('#next-step').click();
  await page.locator('#complete').click();
  await page.locator('#fn-name-taken', { hasText: 'ResourceInUse.FunctionName' }).waitFor();
  assert.ok(await page.locator('#fn-name').isVisible());

  // The list's search keeps the region in the URL, and nothing else.
  await page.goto(server.base + '/scf/functions?rid=8&ns=default');
  await hydrated(page);
  await page.locator('#fn-search').fill('analy');
  await page.locator('#fn-search').press('Enter');
  await page.waitForURL(/q=analy/);
  assert.equal(new URL(page.url()).search, '?rid=8&ns=default&q=analy');
  // The function's page, opened from the searched list: its back link returns to the
  // list as it was left, whichever tab is shown.
  await page.getByRole('link', { name: 'MPSAnalysis' }).click();
  await page.waitForURL(/\/scf\/function\?rid=8&ns=default&name=MPSAnalysis/);
  await hydrated(page);
  const backToList = '/scf/functions?rid=8&ns=default&q=analy';
  assert.equal(await page.locator('.back-link').getAttribute('href'), backToList);

  // Code tab: the entry file, read-only.
  await page.locator('#tab-code').click();
  await page.locator('#code-view').getByText('exports.main_handler').first().waitFor();
  assert.equal(await page.locator('.back-link').getAttribute('href'), backToList);
  await shot(page, 'function-code');

  // 3. Trigger management: the roles start abnormal; authorize each; bind WorkflowTask.
  await page.locator('#tab-triggers').click();
  // Only the current tab is marked current, and the side navigation marks Functions.
  assert.equal(await page.locator('.tabs [aria-current]').count(), 0);
  await page.locator('#tab-triggers[aria-selected="true"]').waitFor();
  await nav(page).locator('a[aria-current="page"]', { hasText: 'Functions' }).waitFor();
  await page.locator('#create-trigger').click();
  const dialog = page.locator('#trigger-dialog');
  await dialog.waitFor();
  // Focus starts in the dialog: Escape closes it.
  await page.waitForFunction(() => document.activeElement?.id === 'trigger-type');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.activeElement?.id === 'create-trigger');
  await page.locator('#create-trigger').click();
  await dialog.waitFor();
  for (const role of ['SCF_QcsRole', 'MPS_QcsRole']) {
    await dialog.locator(`li[data-role="${role}"][data-authorized="false"]`).waitFor();
  }
  assert.ok(await page.locator('#submit-trigger').isDisabled(), 'submit waits for the roles');
  await shot(page, 'roles-not-authorized');
  for (const role of ['SCF_QcsRole', 'MPS_QcsRole']) {
    await dialog.locator(`li[data-role="${role}"]`).getByRole('button', { name: 'Authorize' }).click();
    await dialog.locator(`li[data-role="${role}"][data-authorized="true"]`).waitFor();
  }
  // The Authorize button is gone with the focus it had; Tab brings it back into the dialog.
  await page.keyboard.press('Tab');
  assert.ok(await focusInside('trigger-dialog'));
  await page.locator('#event-type').selectOption('WorkflowTask');
  await shot(page, 'roles-authorized');
  await page.locator('#submit-trigger').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('#trigger-table').getByRole('cell', { name: 'WorkflowTask', exact: true }).waitFor();
  await shot(page, 'trigger-bound');

  // Opened again, the dialog starts on the event type still free; the bound one says so.
  await page.locator('#create-trigger').click();
  await dialog.waitFor();
  await dialog.locator('li[data-role="MPS_QcsRole"][data-authorized="true"]').waitFor();
  await page.waitForFunction(() => document.querySelector('#event-type').value === 'EditMediaTask');
  assert.ok(await page.locator('#submit-trigger').isEnabled());
  await page.locator('#event-type').selectOption('WorkflowTask');
  await page.locator('#event-holder', { hasText: 'This function already has a trigger for this event type.' }).waitFor();
  assert.ok(await page.locator('#submit-trigger').isDisabled());
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // A link to an invocation not logged yet: the log query waits for it with the live tail.
  const waiting = new URL(page.url());
  waiting.searchParams.set('tab', 'logs');
  waiting.searchParams.set('keyword', 'not-logged-yet');
  await page.goto(waiting.href);
  await hydrated(page);
  await page.locator('#log-live:checked').waitFor();

  // 4. MPS: run a video-processing task on the sample video; it finishes.
  await nav(page).getByRole('link', { name: 'Media processing' }).click();
  await page.waitForURL('**/mps**');
  await hydrated(page);
  assert.equal(await page.locator('#task-object').inputValue(), 'input/sample.mp4');
  const bucket = await page.locator('#task-input-bucket').inputValue();
  // An object the bucket lacks: the cloud's refusal shows by the object's field.
  await page.locator('#task-object').fill('input/nope.mp4');
  await page.locator('#start-task').click();
  await page.locator('#object-missing', { hasText: 'ResourceNotFound.CosObjectNotExist' }).waitFor();
  await page.locator('#task-object').fill('input/sample.mp4');
  await page.locator('#start-task').click();
  await page.locator('#object-missing').waitFor({ state: 'detached' });
  const row = page.locator('#task-table tr[data-task-id]').first();
  await row.waitFor();
  const taskId = await row.getAttribute('data-task-id');
  assert.match(taskId, /-WorkflowTask-/);
  await page.locator(`#task-table tr[data-task-id="${taskId}"][data-status="FINISH"]`).waitFor({ timeout: 30_000 });
  await row.locator('a.task-output').first().waitFor();
  await shot(page, 'mps-task-finished');

  // The TaskId links to the invocation it triggered, in the function's log query.
  await row.locator('a.task-invocation').click();
  await page.waitForURL(/tab=logs&keyword=/);
  const invocation = page.locator('.log-row').first();
  await invocation.waitFor({ timeout: 30_000 });
  await invocation.locator('summary').click();
  const logText = await invocation.locator('.log-text').innerText();
  assert.ok(logText.includes(taskId), 'the log names the TaskId');
  assert.match(logText, /summary stored: cos:\/\//);
  await shot(page, 'log-query');

  // Paging: 20 more tasks make 21 invocations, two pages of the log query.
  const taskForm = {
    rid: '8', kind: 'WorkflowTask', input_bucket: bucket, input_region: 'ap-beijing',
    object: 'input/sample.mp4', output_bucket: bucket, output_region: 'ap-beijing',
    output_dir: '/output/', transcode: 'false', snapshot: 'true', clip_start: '0', clip_end: '0',
  };
  for (let i = 0; i < 20; i += 1) {
    const started = await page.request.post(server.base + '/api/start_mps_task', { form: taskForm });
    assert.equal(started.status(), 200, await started.text());
  }
  const allLogs = new URL(page.url());
  allLogs.searchParams.delete('keyword');
  await page.goto(allLogs.toString());
  await hydrated(page);
  const pager = page.locator('#log-pager');
  for (let tries = 0; !(await pager.getByText('1 / 2').isVisible()); tries += 1) {
    assert.ok(tries < 60, 'all 21 invocations are logged within a minute');
    await page.waitForTimeout(1000);
    await page.locator('#log-search').click();
    await page.locator('#log-list, .empty-state').first().waitFor();
  }
  assert.equal(await page.locator('.log-row').count(), 20);
  const prev = pager.getByRole('button', { name: 'Previous' });
  const next = pager.getByRole('button', { name: 'Next' });
  assert.ok(await prev.isDisabled());
  await next.click();
  await pager.getByText('2 / 2').waitFor();
  assert.equal(await page.locator('.log-row').count(), 1);
  assert.ok(await next.isDisabled());
  await prev.click();
  await pager.getByText('1 / 2').waitFor();
  assert.equal(await page.locator('.log-row').count(), 20);
  await shot(page, 'log-query-paged');
  // With the live tail on, a new invocation renders the list anew: the one expanded
  // stays open.
  const expanded = page.locator('.log-row').nth(2);
  const expandedId = await expanded.getAttribute('data-request-id');
  await expanded.locator('summary').click();
  await page.locator('#log-live').check();
  const oneMore = await page.request.post(server.base + '/api/start_mps_task', { form: taskForm });
  assert.equal(oneMore.status(), 200, await oneMore.text());
  await page.getByText(/Total 22$/).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(`.log-row[data-request-id="${expandedId}"][open]`).count(), 1, 'still expanded');
  await page.locator('#log-live').uncheck();
  // The whole search is in the address: a reload keeps the range and outcome chosen.
  await page.locator('#log-range').selectOption('1d');
  await page.locator('#log-outcome').selectOption('success');
  await page.locator('#log-search').click();
  await page.waitForURL(/range=1d.*outcome=success/);
  await page.reload();
  await hydrated(page);
  assert.equal(await page.locator('#log-range').inputValue(), '1d');
  assert.equal(await page.locator('#log-outcome').inputValue(), 'success');
  await page.locator('#log-pager').getByText('1 / 2').waitFor();
  // With a keyword the default range is a day: the hour chosen is kept in the address.
  await page.locator('#log-range').selectOption('1h');
  await page.locator('#log-keyword').fill('WorkflowTask');
  await page.locator('#log-search').click();
  await page.waitForURL(/keyword=WorkflowTask.*range=1h/);
  await page.reload();
  await hydrated(page);
  assert.equal(await page.locator('#log-range').inputValue(), '1h');
  // A custom range the server refuses is said by its field, not in a banner.
  await page.locator('#log-range').selectOption('custom');
  await page.locator('#log-start').fill('2026-01-02T10:00');
  await page.locator('#log-end').fill('2026-01-01T10:00');
  await page.locator('#log-search').click();
  await page.locator('#start-error').getByText('start before its end').waitFor();
  assert.equal(await page.locator('.state-error').count(), 0);
  await page.locator('#log-end').fill('2026-01-04T10:00');
  await page.locator('#log-search').click();
  await page.locator('#end-error').getByText('At most one day').waitFor();
  assert.equal(await page.locator('#start-error').count(), 0);
  // With the fields hidden, the refusal shows in the banner instead.
  await page.locator('#log-range').selectOption('1h');
  await page.locator('.state-error').getByText('At most one day').waitFor();
  // Reloaded with that range in the address, the page says so by the field again.
  await page.reload();
  await hydrated(page);
  assert.equal(await page.locator('#log-range').inputValue(), 'custom');
  await page.locator('#end-error').getByText('At most one day').waitFor();
  assert.equal(await page.locator('.state-error').count(), 0);
  // So is a RequestId that is none.
  await page.locator('#log-range').selectOption('1h');
  await page.locator('#log-request').fill('not-a-uuid');
  await page.locator('#log-search').click();
  await page.locator('#request_id-error').getByText('That is not a RequestId.').waitFor();
  assert.equal(await page.locator('.state-error').count(), 0);
  await page.locator('#log-request').fill('');
  await page.locator('#log-search').click();
  await page.locator('#request_id-error').waitFor({ state: 'detached' });

  // The summary in COS: browse to it and preview it.
  await nav(page).getByRole('link', { name: 'Object storage' }).click();
  await page.waitForURL('**/cos');
  await page.locator('#bucket-table a').first().click();
  await page.locator('#object-table').waitFor();
  await page.locator('#object-table tr.folder a', { hasText: 'mps-callback/' }).click();
  await openSummary(page, taskId);
  const preview = page.locator('#object-preview');
  await preview.waitFor();
  await preview.locator('#preview-text').getByText(taskId).first().waitFor();
  const download = await page.locator('#preview-download').getAttribute('href');
  const res = await page.request.get(server.base + download);
  assert.equal(res.status(), 200);
  assert.equal((await res.json()).TaskId, taskId);
  await shot(page, 'cos-summary');
  await page.locator('#preview-close').click();
  await preview.waitFor({ state: 'hidden' });
  // Closed, the preview gives the focus back to its link, and leaves no history entry.
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('object-link')), true);
  const listing = page.url();
  assert.ok(!listing.includes('key='), listing);
  await page.goBack();
  await page.waitForURL((url) => url.toString() !== listing);
  assert.ok(!page.url().includes('key='), `Back reopened the preview: ${page.url()}`);

  // A video previews as a player, streamed through the console.
  await page.goto(`${server.base}/cos?bucket=${bucket}&region=ap-beijing&prefix=input/`);
  await hydrated(page);
  await page.locator('a.object-link', { hasText: 'sample.mp4' }).click();
  await page.locator('#preview-video').waitFor();
  await page.waitForFunction(() => document.querySelector('#preview-video').duration > 0);
  await page.locator('#preview-close').click();
  await preview.waitFor({ state: 'hidden' });

  // The audit log lists what was done, with RequestIds.
  await nav(page).getByRole('link', { name: 'Audit log' }).click();
  await page.locator('#audit-table').getByText('Task started').first().waitFor();
  await page.locator('#audit-table').getByText('Trigger bound').waitFor();
  await shot(page, 'audit');

  // The refused requests made on purpose (bad timeout and role: 400; the name in use:
  // 409; the missing input object: 404, on the task form) log as console errors;
  // nothing else may.
  const unexpected = errors.filter(
    (e) => !/Failed to load resource: the server responded with a status of (400|409)/.test(e)
      && !/\/mps\?rid=8: Failed to load resource: the server responded with a status of 404/.test(e),
  );
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('setup wizard, in Chinese, for a new team: resumes where the team left off', async () => {
  const context = await browser.newContext();
  const errors = watchErrors(context);
  const page = await context.newPage();
  await page.goto(server.base + '/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(server.base + '/');
  // A second team has its own (emulated) cloud account: nothing set up yet.
  await page.goto(server.base + '/team/new');
  await hydrated(page);
  await page.getByLabel('Team name').fill('Wizard');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(server.base + '/');
  await hydrated(page);
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { name: '概览' }).waitFor();

  await nav(page).getByRole('link', { name: '快速配置' }).click();
  await page.waitForURL(/\/wizard(\?step=\d)?$/);
  await hydrated(page);
  await page.locator('#wizard-step-1').waitFor();
  assert.equal(await page.locator('#wiz-name').inputValue(), 'MPSAnalysis');
  await shot(page, 'wizard-1-create');
  // Without COS_BUCKET the function would store no summary: the wizard says so first.
  const variables = await page.locator('#wiz-variables').inputValue();
  assert.match(variables, /^COS_BUCKET=/);
  await page.locator('#wiz-variables').fill('');
  await page.locator('#wiz-create').click();
  await page.locator('#wiz-bucket-required').waitFor();
  await page.locator('#wiz-variables').fill(variables);
  await page.locator('#wiz-create').click();
  await page.locator('#wizard-step-2').waitFor({ timeout: 30_000 });
  await page.locator('#wizard-steps li.done[data-step="1"]').waitFor();
  await shot(page, 'wizard-2-roles');
  // Each step is an entry in the history: Back shows the step before, Forward comes back.
  await page.waitForURL(/\/wizard\?step=2$/);
  await page.goBack();
  await page.waitForURL(/\/wizard\?step=1$/);
  await page.locator('#wizard-step-1').waitFor();
  await page.goForward();
  await page.locator('#wizard-step-2').waitFor();

  // Leaving and coming back resumes at step 2.
  await page.goto(server.base + '/');
  await page.goto(server.base + '/wizard');
  await hydrated(page);
  await page.locator('#wizard-step-2').waitFor();
  for (const role of ['SCF_QcsRole', 'MPS_QcsRole']) {
    await page.locator(`li[data-role="${role}"]`).getByRole('button', { name: '授权' }).click();
    await page.locator(`li[data-role="${role}"][data-authorized="true"]`).waitFor();
  }
  await page.locator('#wiz-bind').click();
  await page.locator('#wizard-step-3').waitFor({ timeout: 30_000 });
  await shot(page, 'wizard-3-test');
  await page.locator('#wiz-run').click();
  await page.locator('#wiz-invocation').waitFor({ timeout: 60_000 });
  await page.locator('#wiz-done').waitFor();
  const taskId = await page.locator('#wiz-task').innerText();
  assert.ok((await page.locator('#wiz-log').innerText()).includes(taskId));
  await shot(page, 'wizard-3-done');

  // Each step links to the classic pages: the log query and the COS object.
  await page.locator('#wiz-summary-link').click();
  await page.locator('#object-preview #preview-text').getByText(taskId).first().waitFor();
  await shot(page, 'wizard-cos-summary');
  await page.goto(server.base + '/wizard');
  await hydrated(page);
  await page.locator('#wiz-done').waitFor();
  await page.locator('#wiz-log-link').click();
  await page.waitForURL(/tab=logs&keyword=/);
  await page.locator('.log-row').first().waitFor({ timeout: 30_000 });
  await shot(page, 'wizard-log-query');

  // From the keyboard, an arrow key only moves the choice: no team switch per key press.
  const here = page.url();
  await page.locator('#team-switch').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(500);
  assert.equal(page.url(), here);
  // A choice not confirmed goes back to the current team once the focus leaves.
  const current = await page.locator('#team-switch option[selected]').textContent();
  await page.locator('#team-switch').focus();
  await page.locator('#team-switch').evaluate((s) => { s.value = [...s.options].find((o) => !o.hasAttribute('selected')).value; });
  assert.notEqual(await page.locator('#team-switch').evaluate((s) => s.selectedOptions[0].textContent), current);
  await page.locator('#log-search').focus();
  assert.equal(await page.locator('#team-switch').evaluate((s) => s.selectedOptions[0].textContent), current);
  // Choosing the other team with the pointer switches to it, no button needed (Playwright
  // picks the option without the pointer, hence the pointerdown a click would send); the
  // user menu closes once a choice in it is made.
  await page.locator('#team-switch').dispatchEvent('pointerdown');
  await page.locator('#team-switch').selectOption({ label: 'Media' });
  // From a function's page, the switch stays on Functions in the same region: the other
  // team has no such function.
  await page.waitForURL(server.base + '/scf/functions?rid=8&ns=default');
  await page.locator('#team-switch option[selected]', { hasText: 'Media' }).waitFor({ state: 'attached' });
  await hydrated(page);
  await page.locator('.user-menu summary').click();
  await page.locator('.user-menu .menu').getByRole('link', { name: '登录会话' }).click();
  await page.waitForURL('**/account/sessions');
  assert.equal(await page.locator('.user-menu').getAttribute('open'), null);
  // From a page every team has, the switch stays there, now showing the other team.
  await page.goto(server.base + '/team/members');
  await hydrated(page);
  await page.locator('#team-switch').dispatchEvent('pointerdown');
  await page.locator('#team-switch').selectOption({ label: current.trim() });
  await page.locator('#team-switch option[selected]', { hasText: current.trim() }).waitFor({ state: 'attached' });
  assert.equal(new URL(page.url()).pathname, '/team/members');

  assert.deepEqual(errors, []);
  await context.close();
});
