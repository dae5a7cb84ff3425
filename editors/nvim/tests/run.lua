-- Headless end-to-end test of the Neovim client against a real `cascade lsp`.
--
--   CASCADE_TEST_CMD='/path/to/cascade lsp' \
--   CASCADE_TEST_CONFIG=passing.json CASCADE_TEST_CONFIG_UNVERIFIED=unverified.json \
--   nvim --headless -u NONE -i NONE --cmd 'set rtp^=editors/nvim' -c 'luafile editors/nvim/tests/run.lua'
--
-- CASCADE_TEST_CONFIG_HANG names a config whose model never answers;
-- CASCADE_TEST_CONFIG_SLOW_TESTS one whose model writes code at once but never its tests.
-- Optional: CASCADE_TEST_EXPECT (text the suggestion must contain, default "return"),
-- CASCADE_TEST_TIMEOUT_MS (bounded wait per step, default 60000).
-- Prints one "ok"/"not ok" line per case and exits non-zero when any case fails.

local env = vim.env
local t = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
local out, fail, check, wait_for, case = t.out, t.fail, t.check, t.wait_for, t.case
local expect = env.CASCADE_TEST_EXPECT or 'return'

local function words(s)
  local list = {}
  for w in s:gmatch('%S+') do table.insert(list, w) end
  return list
end

if not env.CASCADE_TEST_CMD or not env.CASCADE_TEST_CONFIG then
  out('not ok - setup: set CASCADE_TEST_CMD and CASCADE_TEST_CONFIG')
  vim.cmd('cquit 2')
end

vim.cmd('filetype on')
vim.cmd('runtime plugin/cascade.lua')
local cascade = require('cascade')
local client = require('cascade.client')
local ui = require('cascade.ui')

local progress_seen = 0
local original_progress = client.hooks.on_progress
client.hooks.on_progress = function(token, value)
  progress_seen = progress_seen + 1
  original_progress(token, value)
end

local work = vim.fn.tempname()
local function project(name, files)
  local dir = work .. '/' .. name
  vim.fn.mkdir(dir, 'p')
  io.open(dir .. '/pyproject.toml', 'w'):close()
  for file, lines in pairs(files) do vim.fn.writefile(lines, dir .. '/' .. file) end
  return dir
end

local source = {
  'def add(a, b):',
  '    """Return the sum of a and b."""',
  '    ',
  '',
  '',
  'def scale(values, factor):',
  '    """Return each value multiplied by factor."""',
  '    ',
  '',
}

local function setup(config_path)
  cascade.setup({ cmd = words(env.CASCADE_TEST_CMD), config = config_path, filetypes = { 'python', 'javascript' } })
end

local function open_at(path, line, filetype)
  vim.cmd('edit! ' .. vim.fn.fnameescape(path))
  filetype = filetype or 'python'
  check(vim.bo.filetype == filetype, 'filetype is ' .. filetype .. ', got ' .. vim.bo.filetype)
  local text = vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1]
  vim.api.nvim_win_set_cursor(0, { line, #text })
end

local function ghost_chunks()
  local marks = vim.api.nvim_buf_get_extmarks(0, ui.ns, 0, -1, { details = true })
  local texts, groups = {}, {}
  for _, mark in ipairs(marks) do
    for _, chunk in ipairs(mark[4].virt_text or {}) do
      table.insert(texts, chunk[1]); table.insert(groups, chunk[2])
    end
    for _, line in ipairs(mark[4].virt_lines or {}) do
      for _, chunk in ipairs(line) do table.insert(texts, chunk[1]); table.insert(groups, chunk[2]) end
    end
  end
  return table.concat(texts, '\n'), groups, #marks
end

--- Every suggestion drawn, read back from the extmarks right after ui.show drew it.
local draws = {}
local original_show = ui.show
ui.show = function(...)
  local id = original_show(...)
  local text, groups = ghost_chunks()
  table.insert(draws, { text = text, groups = groups })
  return id
end

local function answered()
  local entry = client.entry_for(vim.api.nvim_get_current_buf())
  return not (entry and next(entry.pending))
end

--- Waits for the answer (or an error) and returns the suggestion it shows, verdict and all.
local function wait_suggestion()
  wait_for('a suggestion', function()
    local s = cascade.suggestion()
    return cascade.last_error() ~= nil or (s ~= nil and s.report ~= nil and answered())
  end)
  check(cascade.last_error() == nil, 'error instead of a suggestion: ' .. tostring(cascade.last_error()))
  return cascade.suggestion()
end

--- Waits for the first candidate of a cascade whose tests never come.
local function wait_candidate()
  wait_for('a candidate', function() return cascade.suggestion() ~= nil or cascade.last_error() ~= nil end)
  check(cascade.last_error() == nil, 'error instead of a candidate: ' .. tostring(cascade.last_error()))
  return cascade.suggestion()
end

--- Hands the plugin a cascade/suggestion through its handler, as if the server had sent it.
local function deliver_suggestion(entry, params)
  local handler = client.client_of(entry).handlers['cascade/suggestion']
  handler(nil, params, { method = 'cascade/suggestion', client_id = entry.id })
end

--- A verdict for request `id` on `uri` offering "return 42" on the 0-based `line`.
local function fake_verdict(id, uri, line)
  return {
    id = id, uri = uri, position = { line = line, character = 4 }, state = 'passed', tier = 'small',
    item = { insertText = '    return 42\n', range = { start = { line = line, character = 0 }, ['end'] = { line = line + 1, character = 0 } } },
    badge = { text = '✓ 9/9 tests · small · $0', severity = 'ok' },
    report = { id = 'fake-' .. tostring(id), status = 'passed', tiers = {} },
  }
end

--- The badge the server sent for the suggestion shown ({ text, severity }), or nil.
local function shown_badge()
  local state = require('cascade.suggestion').existing(vim.api.nvim_get_current_buf())
  return state and state.shown and require('cascade.suggestion').badge_of(state.shown.item)
end

local function draws_text()
  local texts = {}
  for i, draw in ipairs(draws) do table.insert(texts, i .. ': ' .. draw.text) end
  return table.concat(texts, '\n')
end

local main = project('main', { ['calc.py'] = source })
setup(env.CASCADE_TEST_CONFIG)

case('suggestion appears with its text and badge, then is accepted', function()
  open_at(main .. '/calc.py', 3)
  vim.cmd('CascadeTrigger')
  local s = wait_suggestion()
  check(s.text:find(expect, 1, true), 'suggestion text contains ' .. expect .. ': ' .. s.text)
  check(type(s.report) == 'table' and s.report.id, 'suggestion carries a report with an id')
  check(s.state == s.report.status, 'suggestion state is the report status: ' .. tostring(s.state))
  local shown, groups, count = ghost_chunks()
  check(count == 1, 'one extmark drawn, got ' .. count)
  check(shown:find(expect, 1, true), 'ghost text shows the suggestion: ' .. shown)
  local badge = shown:match('   (✓[^\n]*)') or shown:match('   (%?[^\n]*)')
  check(badge, 'a verdict badge is drawn: ' .. shown)
  -- The badge is the server's text, drawn as it is: the client adds nothing.
  local server_badge = shown_badge()
  check(server_badge and server_badge.text == badge, 'the drawn badge is the server\'s: ' .. vim.inspect(server_badge) .. ' vs ' .. badge)
  if s.report.status == 'passed' then
    check(badge:find('^✓ %d+/%d+ tests · small · %$') ~= nil, 'passed badge reads "✓ n/m tests · tier · $": ' .. badge)
    check(badge:find('%% cheaper than .+ alone$') ~= nil, 'the badge compares with the last tier: ' .. badge)
    check(vim.tbl_contains(groups, 'CascadeBadge'), 'badge uses CascadeBadge')
  end
  check(progress_seen > 0, 'received $/progress while the cascade ran')
  -- The session's totals come from cascade/report.
  check(cascade.statusline():find('^cascade %$[%d.]+ · %d+%% cheaper$'), 'statusline shows the spend and saving: ' .. cascade.statusline())
  vim.cmd('CascadeNext')
  check(cascade.suggestion() ~= nil, 'a suggestion is still shown after :CascadeNext')
  local accepted_text = cascade.suggestion().text
  vim.cmd('CascadeAccept')
  check(cascade.suggestion() == nil, 'no suggestion after accepting')
  local _, _, left = ghost_chunks()
  check(left == 0, 'ghost text cleared after accepting')
  local buffer = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(buffer:find(accepted_text, 1, true), 'buffer holds the accepted text:\n' .. buffer)
  check(buffer:find('def add(a, b):\n    """Return the sum of a and b."""\n' .. accepted_text, 1, true),
    'accepted text replaced the body under the docstring:\n' .. buffer)
  check(buffer:find('def scale(values, factor):', 1, true), 'the next function is untouched')
end)

case('the candidate shows marked as being tested, then the verdict replaces the mark', function()
  local dir = project('progressive', { ['calc.py'] = source })
  open_at(dir .. '/calc.py', 3)
  draws = {}
  cascade.trigger()
  local s = wait_suggestion()
  check(#draws >= 2, 'a testing mark and a verdict were drawn:\n' .. draws_text())
  local first, last = draws[1], draws[#draws]
  check(first.text:find(expect, 1, true) and first.text:find('   testing… · small', 1, true),
    'first the candidate, marked as being tested:\n' .. draws_text())
  check(vim.tbl_contains(first.groups, 'CascadeBadgeTesting'), 'the testing mark uses CascadeBadgeTesting')
  for i = 1, #draws - 1 do
    check(draws[i].text:find('testing… · small', 1, true), 'every draw before the verdict is a testing mark:\n' .. draws_text())
  end
  -- The verdict is drawn once: from cascade/suggestion; the answer repeating it draws nothing.
  check(last.text:find('   ✓ ', 1, true) and not last.text:find('testing…', 1, true),
    'then the verdict replaced the mark:\n' .. draws_text())
  check(vim.tbl_contains(last.groups, 'CascadeBadge'), 'the verdict uses CascadeBadge')
  check(last.text:find(vim.trim(vim.split(s.text, '\n', { plain = true })[1]), 1, true), 'the verdict shows the answer')
  check(s.state == 'passed' and s.report.status == 'passed', 'the suggestion is now verified: ' .. tostring(s.state))
  local _, _, count = ghost_chunks()
  check(count == 1, 'one extmark drawn, got ' .. count)
  cascade.dismiss()
end)

case('typing that matches keeps the suggestion, typing that contradicts dismisses it', function()
  open_at(main .. '/calc.py', 8)
  cascade.trigger()
  local s = wait_suggestion()
  local line = vim.api.nvim_get_current_line()
  -- Type the next two characters of the suggestion.
  local typed = s.text:sub(#line + 1, #line + 2)
  check(#typed == 2 and not typed:find('\n'), 'suggestion continues the line: ' .. vim.inspect(s.text))
  vim.api.nvim_buf_set_text(0, 7, #line, 7, #line, { typed })
  vim.api.nvim_win_set_cursor(0, { 8, #line + 2 })
  -- The ghost text now starts after the typed characters.
  local rest = vim.split(s.text, '\n', true)[1]:sub(#line + 3)
  wait_for('the ghost text to start at "' .. rest .. '"', function()
    return vim.startswith(ghost_chunks(), rest .. '\n') -- chunks are joined with newlines
  end)
  check(cascade.suggestion() ~= nil, 'matching typing keeps the suggestion')
  vim.api.nvim_buf_set_text(0, 7, #line + 2, 7, #line + 2, { '#Z' })
  wait_for('the contradicted suggestion to go', function() return cascade.suggestion() == nil end)
  local _, _, count = ghost_chunks()
  check(count == 0, 'no ghost text left')
  vim.api.nvim_buf_set_lines(0, 7, 8, false, { '    ' })
end)

case('dismiss removes the suggestion and leaves the buffer alone', function()
  open_at(main .. '/calc.py', 8)
  local before = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.cmd('CascadeTrigger')
  wait_suggestion()
  vim.cmd('CascadeDismiss')
  check(cascade.suggestion() == nil, 'no suggestion after dismiss')
  local _, _, count = ghost_chunks()
  check(count == 0, 'no ghost text after dismiss')
  check(vim.deep_equal(before, vim.api.nvim_buf_get_lines(0, 0, -1, false)), 'buffer unchanged')
  vim.cmd('CascadeAccept')
  check(vim.deep_equal(before, vim.api.nvim_buf_get_lines(0, 0, -1, false)), 'accept after dismiss does nothing')
end)

case('ledger shows the session totals in a floating window', function()
  local lines
  vim.cmd('CascadeLedger')
  cascade.ledger(function(l) lines = l end)
  wait_for('the ledger', function() return lines ~= nil or cascade.last_error() ~= nil end)
  check(lines, 'ledger failed: ' .. tostring(cascade.last_error()))
  local text = table.concat(lines, '\n')
  local requests = tonumber(text:match('requests%s+(%d+)'))
  check(requests and requests >= 1, 'ledger counts the requests:\n' .. text)
  check(text:find('spent%s+%$'), 'ledger shows the spend:\n' .. text)
  local win = vim.api.nvim_get_current_win()
  check(vim.api.nvim_win_get_config(win).relative ~= '', 'the ledger is a floating window')
  vim.cmd('close')
  vim.cmd('close')
end)

case(':CascadeGenerate writes the body, :CascadeTests inserts the tests', function()
  local dir = project('generate', { ['calc.py'] = source })
  open_at(dir .. '/calc.py', 3)
  local function text() return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n') end
  vim.cmd('CascadeGenerate')
  wait_for('the generated body', function()
    return cascade.last_error() ~= nil or text():find('a and b."""\n    ' .. expect, 1, true) ~= nil
  end)
  check(cascade.last_error() == nil, 'generate failed: ' .. tostring(cascade.last_error()))
  check(text():find('def scale(values, factor):', 1, true), 'the next function is untouched:\n' .. text())
  vim.api.nvim_win_set_cursor(0, { 1, 0 }) -- not open_at: re-reading would close the document
  vim.cmd('CascadeTests')
  wait_for('the inserted tests', function()
    return cascade.last_error() ~= nil or text():find('assert add(', 1, true) ~= nil
  end)
  check(cascade.last_error() == nil, 'insert tests failed: ' .. tostring(cascade.last_error()))
end)

local javascript = {
  '/**',
  ' * Return the sum of a and b.',
  ' * @param {number} a',
  ' * @param {number} b',
  ' * @returns {number}',
  ' */',
  'function add(a, b) {',
  '  ',
  '}',
}

--- Runs the buffer's JavaScript, then `call`, in node; true when it exits 0 (nil: no node).
local function node_runs(call)
  if vim.fn.executable('node') ~= 1 then return nil end
  local program = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n') .. '\n' .. call .. '\n'
  local output = vim.fn.system({ 'node', '-e', program })
  return vim.v.shell_error == 0, output
end

case('a JavaScript suggestion shows with its badge and is accepted', function()
  local dir = project('javascript-suggestion', { ['calc.js'] = javascript })
  open_at(dir .. '/calc.js', 8, 'javascript')
  vim.cmd('CascadeTrigger')
  local s = wait_suggestion()
  check(s.text == '  return a + b;\n', 'the JavaScript body: ' .. vim.inspect(s.text))
  check(s.report.language == 'javascript', 'a JavaScript report: ' .. tostring(s.report.language))
  local shown, groups = ghost_chunks()
  check(shown:find('return a + b;\n   ✓ ', 1, true), 'ghost text, then the badge: ' .. shown) -- chunks joined by newlines
  check(vim.tbl_contains(groups, 'CascadeBadge'), 'the badge uses CascadeBadge')
  vim.cmd('CascadeAccept')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(text:find('function add(a, b) {\n  return a + b;\n}', 1, true), 'the body is in:\n' .. text)
end)

case(':CascadeGenerate and :CascadeTests in a JavaScript file: the server finds the function from the cursor line', function()
  local dir = project('javascript', { ['calc.js'] = javascript })
  open_at(dir .. '/calc.js', 2, 'javascript') -- in the doc comment, not on the function's line
  local function text() return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n') end
  vim.cmd('CascadeGenerate')
  wait_for('the generated body', function()
    return cascade.last_error() ~= nil or text():find('function add(a, b) {\n  return a + b;\n}', 1, true) ~= nil
  end)
  check(cascade.last_error() == nil, 'generate failed: ' .. tostring(cascade.last_error()))
  vim.api.nvim_win_set_cursor(0, { 7, 0 })
  vim.cmd('CascadeTests')
  wait_for('the inserted tests', function()
    return cascade.last_error() ~= nil or text():find('assert.strictEqual(add(1, 2), 3);', 1, true) ~= nil
  end)
  check(cascade.last_error() == nil, 'insert tests failed: ' .. tostring(cascade.last_error()))
  check(text():find("}\n\nfunction test_add() {\n  const assert = require('node:assert');\n  assert.strictEqual(add(1, 2), 3);", 1, true),
    'a JavaScript test function below the function:\n' .. text())
  local ran, output = node_runs('test_add();')
  if ran == nil then
    out('# node is not installed: the generated tests were not run')
  else
    check(ran, 'node runs the tests against the generated body:\n' .. tostring(output) .. '\n' .. text())
  end
end)

case('a server that dies mid-request gives a clear message and the editor keeps working', function()
  -- CASCADE_TEST_CONFIG_HANG points the tiers at a model that never answers, so the
  -- request is certainly in flight when the server dies.
  if not env.CASCADE_TEST_CONFIG_HANG then fail('CASCADE_TEST_CONFIG_HANG is not set') end
  local dir = project('hang', { ['calc.py'] = source })
  setup(env.CASCADE_TEST_CONFIG_HANG)
  open_at(dir .. '/calc.py', 8)
  cascade.trigger()
  wait_for('the request to be sent', function()
    local e = client.entry_for(vim.api.nvim_get_current_buf())
    return e and next(e.pending) ~= nil
  end)
  local entry = client.entry_for(vim.api.nvim_get_current_buf())
  local pid = client.pid(entry)
  check(pid, 'the server pid is known')
  vim.loop.kill(pid, 'sigkill')
  wait_for('the error message', function() return cascade.last_error() ~= nil end)
  check(cascade.last_error():find('the server was killed', 1, true), 'message says the server died: ' .. cascade.last_error())
  check(cascade.suggestion() == nil, 'no suggestion from a dead server')
  check(cascade.statusline() == 'cascade ✗', 'statusline shows the failure: ' .. cascade.statusline())
  vim.api.nvim_buf_set_lines(0, 8, 8, false, { '# still editable' })
  check(vim.api.nvim_buf_get_lines(0, 8, 9, false)[1] == '# still editable', 'buffer still editable')
  vim.api.nvim_buf_set_lines(0, 8, 9, false, {})
  -- The next request starts a new server (with a model that answers).
  setup(env.CASCADE_TEST_CONFIG)
  open_at(dir .. '/calc.py', 8)
  cascade.trigger()
  local s = wait_suggestion()
  check(s.text:find(expect, 1, true), 'a new server answers: ' .. s.text)
  cascade.dismiss()
end)

case('a cascade that ends unverified says so in the badge', function()
  if not env.CASCADE_TEST_CONFIG_UNVERIFIED then fail('CASCADE_TEST_CONFIG_UNVERIFIED is not set') end
  local dir = project('unverified', { ['calc.py'] = source })
  setup(env.CASCADE_TEST_CONFIG_UNVERIFIED)
  open_at(dir .. '/calc.py', 3)
  cascade.trigger()
  local s = wait_suggestion()
  check(s.report.status == 'unverified', 'report status is unverified: ' .. tostring(s.report.status))
  local shown, groups = ghost_chunks()
  check(shown:find('unverified', 1, true), 'badge says unverified: ' .. shown)
  -- Both tiers ran, so it cost more than the last tier alone: a loss shows as a loss.
  check(shown:find('%% dearer than medium alone') or shown:find('no cheaper than medium alone', 1, true),
    'badge shows the loss: ' .. shown)
  check(vim.tbl_contains(groups, 'CascadeBadgeWarning'), 'badge is in the warning colour')
  cascade.dismiss()
end)

case('while its tests run the suggestion has no report, news of other requests changes nothing, and it can be accepted', function()
  if not env.CASCADE_TEST_CONFIG_SLOW_TESTS then fail('CASCADE_TEST_CONFIG_SLOW_TESTS is not set') end
  local dir = project('testing', { ['calc.py'] = source })
  setup(env.CASCADE_TEST_CONFIG_SLOW_TESTS)
  open_at(dir .. '/calc.py', 3)
  draws = {}
  cascade.trigger()
  local s = wait_candidate()
  check(s.state == 'testing' and s.report == nil, 'state testing, no report: ' .. vim.inspect(s))
  check(s.text:find(expect, 1, true), 'the candidate text: ' .. s.text)
  local shown, groups = ghost_chunks()
  check(shown:find(expect, 1, true) and shown:find('   testing… · small', 1, true), 'ghost text and testing mark: ' .. shown)
  check(vim.tbl_contains(groups, 'CascadeBadgeTesting'), 'the mark uses CascadeBadgeTesting')
  check(cascade.statusline():find('^cascade'), 'statusline: ' .. cascade.statusline())

  local entry = client.entry_for(vim.api.nvim_get_current_buf())
  local id = next(entry.pending)
  local drawn = #draws
  deliver_suggestion(entry, fake_verdict(id + 1000, vim.uri_from_bufnr(0), 2))
  deliver_suggestion(entry, fake_verdict(id, 'file:///elsewhere/calc.py', 2))
  check(#draws == drawn, 'nothing drawn for another request:\n' .. draws_text())
  local still = cascade.suggestion()
  check(still and still.state == 'testing' and still.text == s.text, 'the candidate is still shown, still testing')
  check(not ghost_chunks():find('42', 1, true), 'the stale text is not shown')

  vim.cmd('CascadeAccept')
  check(cascade.suggestion() == nil, 'no suggestion after accepting')
  local buffer = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(buffer:find('a and b."""\n' .. s.text, 1, true), 'the candidate was inserted:\n' .. buffer)
  wait_for('the cascade to end', function() return next(entry.pending) == nil end)
  setup(env.CASCADE_TEST_CONFIG)
end)

case('news of the request in flight is ignored once the cursor has moved', function()
  if not env.CASCADE_TEST_CONFIG_SLOW_TESTS then fail('CASCADE_TEST_CONFIG_SLOW_TESTS is not set') end
  local dir = project('moved', { ['calc.py'] = source })
  setup(env.CASCADE_TEST_CONFIG_SLOW_TESTS)
  open_at(dir .. '/calc.py', 3)
  cascade.trigger()
  wait_candidate()
  local entry = client.entry_for(vim.api.nvim_get_current_buf())
  local id = next(entry.pending)
  vim.api.nvim_win_set_cursor(0, { 8, 4 })
  draws = {}
  deliver_suggestion(entry, fake_verdict(id, vim.uri_from_bufnr(0), 7))
  check(#draws == 0, 'nothing drawn:\n' .. draws_text())
  local s = cascade.suggestion()
  check(not (s and s.text:find('42', 1, true)), 'the ignored verdict is not the suggestion')
  cascade.dismiss()
  wait_for('the cascade to end', function() return next(entry.pending) == nil end)
  setup(env.CASCADE_TEST_CONFIG)
end)

t.no_deprecated_case()
client.stop_all()
t.finish()
