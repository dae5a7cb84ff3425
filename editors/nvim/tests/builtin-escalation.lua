-- Neovim 0.12 with no plugin (the README's setup), against a real `cascade lsp` whose
-- small tier writes wrong code and whose medium tier writes right code: a function whose
-- first tier fails is answered, after the background escalation, with the larger tier's
-- verified code on a later automatic request, and never with unverified code.
--
--   CASCADE_TEST_CMD='/path/to/cascade lsp' CASCADE_TEST_CONFIG_ESCALATES=escalates.json \
--   nvim --headless -u NONE -i NONE -c 'luafile editors/nvim/tests/builtin-escalation.lua'
--
-- Neovim's built-in client only sends automatic requests (triggerKind 2): the server
-- answers those with its first tier alone, or from its cache of verified completions.
-- Every inline-completion answer and every ghost text drawn is recorded, so "never" is
-- checked over the whole session, not only at the moments the script looks.

local t = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
local out, check, case, wait_until = t.out, t.check, t.case, t.wait_until
local env = vim.env

if not env.CASCADE_TEST_CMD or not env.CASCADE_TEST_CONFIG_ESCALATES then
  out('not ok - setup: set CASCADE_TEST_CMD and CASCADE_TEST_CONFIG_ESCALATES')
  vim.cmd('cquit 2')
end
if not (vim.lsp.config and vim.lsp.enable and vim.lsp.inline_completion) then
  out('not ok - setup: this Neovim has no vim.lsp.inline_completion (0.12 or later is needed)')
  vim.cmd('cquit 2')
end

local RIGHT = 'return a + b' -- the medium tier's body
local WRONG = 'return a - b' -- the small tier's body: it fails the tests

local cmd = {}
for word in env.CASCADE_TEST_CMD:gmatch('%S+') do table.insert(cmd, word) end
vim.list_extend(cmd, { '--config', env.CASCADE_TEST_CONFIG_ESCALATES })

local dir = vim.fn.tempname() .. '/project'
vim.fn.mkdir(dir .. '/.git', 'p')
local file = dir .. '/calc.py'
vim.fn.writefile({
  'def add(a, b):',
  '    """Return the sum of a and b."""',
  '    ',
}, file)

-- Where Neovim draws inline completions (nvim_create_namespace returns the existing one).
local ns = vim.api.nvim_create_namespace('nvim.lsp.inline_completion')

-- Every ghost text Neovim draws: inline_completion.lua calls vim.api.nvim_buf_set_extmark
-- through the vim.api table, so this sees each one as it is set.
local displays = {}
local set_extmark = vim.api.nvim_buf_set_extmark
vim.api.nvim_buf_set_extmark = function(buffer, namespace, row, col, opts)
  if namespace == ns then
    local texts = {}
    for _, chunk in ipairs(opts.virt_text or {}) do table.insert(texts, chunk[1]) end
    for _, line in ipairs(opts.virt_lines or {}) do
      for _, chunk in ipairs(line) do table.insert(texts, chunk[1]) end
    end
    table.insert(displays, table.concat(texts, '\n'))
  end
  return set_extmark(buffer, namespace, row, col, opts)
end

-- Every inline-completion request (its triggerKind) and answer (its items' texts).
local requests, answers = {}, {}
local function record_inline_completion(client)
  local request = client.request
  client.request = function(self, method, params, handler, bufnr)
    if method == 'textDocument/inlineCompletion' and handler then
      table.insert(requests, params.context and params.context.triggerKind)
      local inner = handler
      handler = function(err, result, ctx, config)
        local texts = {}
        for _, item in ipairs(result and (result.items or result) or {}) do
          table.insert(texts, type(item.insertText) == 'string' and item.insertText or item.insertText.value)
        end
        table.insert(answers, { err = err, texts = texts })
        return inner(err, result, ctx, config)
      end
    end
    return request(self, method, params, handler, bufnr)
  end
end

-- Every cascade/report notification's params.
local reports = {}

-- The README's setup, with the server built for the tests and its fake models, and a
-- handler for the server's own notification.
vim.cmd('filetype on')
vim.lsp.config('cascade', {
  cmd = cmd,
  filetypes = { 'python', 'javascript' },
  root_markers = { '.git' },
  handlers = {
    ['cascade/report'] = function(_, params) table.insert(reports, params) end,
  },
  on_init = function(client) record_inline_completion(client) end,
})
vim.lsp.enable('cascade')
vim.lsp.inline_completion.enable()

local ghost, buffer_text = t.ghost_text, t.buffer_text

--- The reports that match(report) is true for.
local function reports_where(match)
  local found = {}
  for _, params in ipairs(reports) do
    if match(params) then table.insert(found, params) end
  end
  return found
end

local function background_reports()
  return reports_where(function(params) return params.background == true end)
end

local function status(params) return params.report and params.report.status end

local function feed(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'n', false)
end

t.run(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  check(vim.bo.filetype == 'python', 'filetype is python')

  case('the first automatic request: the small tier fails, so the answer has no items and no ghost text shows', function()
    wait_until('the server to attach', function()
      return #vim.lsp.get_clients({ bufnr = 0, name = 'cascade' }) > 0
    end)
    -- Append to the blank body line: entering insert mode makes the automatic request.
    vim.api.nvim_win_set_cursor(0, { 3, 4 })
    feed('A')
    wait_until('the answer to the first automatic request', function() return #answers > 0 end)
    check(vim.api.nvim_get_mode().mode == 'i', 'in insert mode')
    check(answers[1].err == nil, 'the answer is not an error: ' .. vim.inspect(answers[1].err))
    t.equal(answers[1].texts, {}, 'the items of the first answer')
    local first = reports_where(function(params) return not params.background end)
    check(#first >= 1, 'the server reported the first tier: ' .. vim.inspect(reports))
    local report = first[1].report
    check(report.status ~= 'passed' and report.status ~= 'cached', 'the first tier did not pass: ' .. tostring(report.status))
    check(report.tiers and #report.tiers == 1 and report.tiers[1].name == 'small',
      'only the small tier ran: ' .. vim.inspect(report.tiers))
    -- The fake's wrong code reached the server, which kept it from the editor.
    check((report.completion or ''):find(WRONG, 1, true), 'the small tier wrote the wrong body: ' .. vim.inspect(report.completion))
    check(select(2, ghost()) == 0, 'no ghost text: ' .. ghost())
  end)

  case('cascade/report arrives with background = true and status "passed": the medium tier passed', function()
    wait_until('a cascade/report with background = true', function() return #background_reports() > 0 end)
    local params = background_reports()[1]
    check(status(params) == 'passed', 'the background cascade passed: ' .. vim.inspect(params.report))
    check(params.report.acceptedTier == 'medium', 'the medium tier answered: ' .. tostring(params.report.acceptedTier))
    check((params.report.completion or ''):find(RIGHT, 1, true), 'with the right body: ' .. vim.inspect(params.report.completion))
    check(params.uri == vim.uri_from_bufnr(0), 'for this document: ' .. tostring(params.uri))
    check(select(2, ghost()) == 0, 'still no ghost text: ' .. ghost())
  end)

  case('a later automatic request (leave and re-enter insert mode) shows the verified medium-tier code from the cache', function()
    local before = #answers
    feed('<Esc>A')
    wait_until('the answer to the second automatic request', function() return #answers > before end)
    check(vim.api.nvim_get_mode().mode == 'i', 'in insert mode')
    local answer = answers[before + 1]
    check(#answer.texts == 1 and answer.texts[1]:find(RIGHT, 1, true), 'one item, the right body: ' .. vim.inspect(answer))
    wait_until('the ghost text', function() return select(2, ghost()) > 0 end)
    local shown = ghost()
    check(shown:find(RIGHT, 1, true), 'the ghost text is the right body: ' .. shown)
    local cached = reports_where(function(params) return not params.background and status(params) == 'cached' end)
    check(#cached >= 1, 'the server answered it from its cache: ' .. vim.inspect(vim.tbl_map(status, reports)))
  end)

  case('vim.lsp.inline_completion.get() accepts it: the buffer holds the function with the right body', function()
    check(vim.lsp.inline_completion.get(), 'get() found a suggestion to accept')
    wait_until('the accepted text', function() return buffer_text():find(RIGHT, 1, true) ~= nil end)
    local text = buffer_text()
    check(text:find('def add(a, b):\n    """Return the sum of a and b."""\n    ' .. RIGHT, 1, true),
      'the function with its body:\n' .. text)
    check(not text:find(WRONG, 1, true), 'no wrong code in the buffer:\n' .. text)
    check(select(2, ghost()) == 0, 'the ghost text is gone')
    vim.fn.writefile(vim.api.nvim_buf_get_lines(0, 0, -1, false), file)
    local output = vim.fn.system({ 'python3', '-c',
      'import sys; sys.path.insert(0, sys.argv[1]); from calc import add; '
        .. 'assert add(1, 2) == 3; assert add(-1, 1) == 0; print("checks passed")', dir })
    check(vim.v.shell_error == 0 and output:find('checks passed', 1, true), 'python3 says:\n' .. output)
  end)

  case('never unverified code: no answer and no ghost text ever held the small tier\'s body, and every request was automatic', function()
    check(#displays > 0, 'the recorder saw the ghost text drawn')
    for index, text in ipairs(displays) do
      check(not text:find(WRONG, 1, true), 'ghost text ' .. index .. ' showed the wrong code: ' .. text)
    end
    for index, answer in ipairs(answers) do
      for _, text in ipairs(answer.texts) do
        check(not text:find(WRONG, 1, true), 'answer ' .. index .. ' held the wrong code: ' .. text)
      end
    end
    check(#requests >= 2, 'at least two requests: ' .. vim.inspect(requests))
    for index, kind in ipairs(requests) do
      check(kind == 2, 'request ' .. index .. ' is automatic (triggerKind 2): ' .. tostring(kind))
    end
  end)

  vim.cmd('stopinsert')
  t.no_deprecated_case()
  for _, client in ipairs(vim.lsp.get_clients({ name = 'cascade' })) do client:stop() end
  t.finish()
end)
