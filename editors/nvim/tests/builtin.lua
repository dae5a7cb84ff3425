-- Neovim 0.12 with no plugin: the README's setup (vim.lsp.config, vim.lsp.enable,
-- vim.lsp.inline_completion.enable) against a real `cascade lsp`. An automatic request
-- shows the suggestion as ghost text, vim.lsp.inline_completion.get() accepts it, and
-- the function it completes passes its checks in python3; the server's code action
-- writes another function's body from its docstring.
--
--   CASCADE_TEST_CMD='/path/to/cascade lsp' CASCADE_TEST_CONFIG=passing.json \
--   nvim --headless -u NONE -i NONE -c 'luafile editors/nvim/tests/builtin.lua'
--
-- The built-in client asks in insert mode, so this script types: it feeds keys and
-- waits in a coroutine resumed by timers, letting Neovim's main loop run in between.

local t = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
local out, check, case = t.out, t.check, t.case
local env = vim.env

if not env.CASCADE_TEST_CMD or not env.CASCADE_TEST_CONFIG then
  out('not ok - setup: set CASCADE_TEST_CMD and CASCADE_TEST_CONFIG')
  vim.cmd('cquit 2')
end
if not (vim.lsp.config and vim.lsp.enable and vim.lsp.inline_completion) then
  out('not ok - setup: this Neovim has no vim.lsp.inline_completion (0.12 or later is needed)')
  vim.cmd('cquit 2')
end

local cmd = {}
for word in env.CASCADE_TEST_CMD:gmatch('%S+') do table.insert(cmd, word) end
vim.list_extend(cmd, { '--config', env.CASCADE_TEST_CONFIG })

local dir = vim.fn.tempname() .. '/project'
vim.fn.mkdir(dir .. '/.git', 'p')
local file = dir .. '/calc.py'
vim.fn.writefile({
  'def add(a, b):',
  '    """Return the sum of a and b."""',
  '    ',
}, file)

-- The README's setup, with the server built for the tests and its fake models.
vim.cmd('filetype on')
vim.lsp.config('cascade', { cmd = cmd, filetypes = { 'python', 'javascript' }, root_markers = { '.git' } })
vim.lsp.enable('cascade')
vim.lsp.inline_completion.enable()

local wait_until, ghost, buffer_text = t.wait_until, t.ghost_text, t.buffer_text

t.run(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  check(vim.bo.filetype == 'python', 'filetype is python')

  case('an automatic suggestion shows as ghost text', function()
    wait_until('the server to attach', function()
      return #vim.lsp.get_clients({ bufnr = 0, name = 'cascade' }) > 0
    end)
    -- Append to the blank body line: entering insert mode makes the automatic request.
    vim.api.nvim_win_set_cursor(0, { 3, 4 })
    vim.api.nvim_feedkeys('A', 'n', false)
    wait_until('the ghost text', function() return select(2, ghost()) > 0 end)
    check(vim.api.nvim_get_mode().mode == 'i', 'still in insert mode')
    local shown = ghost()
    check(shown:find('return a + b', 1, true), 'the ghost text is the body: ' .. shown)
  end)

  case('vim.lsp.inline_completion.get() accepts it: the buffer holds the function with its body', function()
    check(vim.lsp.inline_completion.get(), 'get() found a suggestion to accept')
    wait_until('the accepted text', function() return buffer_text():find('return a + b', 1, true) ~= nil end)
    local text = buffer_text()
    check(text:find('def add(a, b):\n    """Return the sum of a and b."""\n    return a + b', 1, true),
      'the function with its body:\n' .. text)
    check(select(2, ghost()) == 0, 'the ghost text is gone')
  end)

  case('the accepted function passes its checks in python3', function()
    check(vim.fn.executable('python3') == 1, 'python3 is on PATH')
    vim.fn.writefile(vim.api.nvim_buf_get_lines(0, 0, -1, false), file)
    local output = vim.fn.system({ 'python3', '-c',
      'import sys; sys.path.insert(0, sys.argv[1]); from calc import add; '
        .. 'assert add(1, 2) == 3; assert add(-1, 1) == 0; print("checks passed")', dir })
    check(vim.v.shell_error == 0 and output:find('checks passed', 1, true), 'python3 says:\n' .. output)
  end)

  case("the server's code action writes a function body from its docstring (vim.lsp.buf.code_action)", function()
    vim.cmd('stopinsert')
    local other = dir .. '/scale.py'
    vim.fn.writefile({ 'def scale(values, factor):', '    """Return each value multiplied by factor."""' }, other)
    vim.cmd('edit ' .. vim.fn.fnameescape(other))
    wait_until('the server to attach', function()
      return #vim.lsp.get_clients({ bufnr = 0, name = 'cascade' }) > 0
    end)
    vim.api.nvim_win_set_cursor(0, { 1, 0 })
    local titles = {}
    vim.lsp.buf.code_action({
      apply = true,
      filter = function(action)
        table.insert(titles, action.title)
        return action.title == 'Generate function from docstring'
      end,
    })
    wait_until('the generated body', function()
      return buffer_text():find('return [value * factor for value in values]', 1, true) ~= nil
    end)
    check(vim.tbl_contains(titles, 'Generate function from docstring'), 'the action offered: ' .. vim.inspect(titles))
  end)

  t.no_deprecated_case()
  for _, client in ipairs(vim.lsp.get_clients({ name = 'cascade' })) do client:stop() end
  t.finish()
end)
