-- What the headless test scripts share: one "ok"/"not ok" line per case, bounded
-- waits, a record of every deprecated Neovim API called, and the exit status.
--
--   local t = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local M = {}

M.timeout = tonumber(vim.env.CASCADE_TEST_TIMEOUT_MS) or 60000
M.failures = 0

-- Starts on a fresh line: Neovim may have printed a message without a newline.
function M.out(line) io.stdout:write('\n' .. line .. '\n') end

function M.fail(message) error(message, 0) end
function M.check(condition, message) if not condition then M.fail(message) end end

--- Fails unless `actual` equals `expected` (deep), showing both.
function M.equal(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    M.fail(string.format('%s: expected %s, got %s', what or 'value', vim.inspect(expected), vim.inspect(actual)))
  end
end

--- Waits (processing events) until cond() is truthy; fails with what it waited for.
function M.wait_for(what, cond)
  local ok = vim.wait(M.timeout, cond, 20)
  if not ok then M.fail('timed out after ' .. M.timeout .. ' ms waiting for ' .. what) end
end

-- Scripts that type run in a coroutine (M.run): Neovim handles the keys they feed only
-- in its main loop, which vim.wait does not enter. M.wait_until polls its condition on a
-- timer that resumes the coroutine, so the main loop runs (keys, autocmds, LSP messages)
-- between polls.
local running
local uv = vim.uv or vim.loop -- vim.loop before 0.10

--- Waits, letting the main loop run, until cond() is truthy; fails naming what it waited
--- for after M.timeout ms. Call it only from a function started by M.run.
function M.wait_until(what, cond)
  local deadline = uv.now() + M.timeout
  while not cond() do
    if uv.now() >= deadline then M.fail('timed out after ' .. M.timeout .. ' ms waiting for ' .. what) end
    vim.defer_fn(function()
      local ok, err = coroutine.resume(running)
      if not ok then
        M.out('not ok - the script stopped: ' .. tostring(err))
        vim.cmd('cquit 1')
      end
    end, 20)
    coroutine.yield()
  end
end

--- Runs fn in the coroutine M.wait_until resumes.
function M.run(fn)
  running = coroutine.create(fn)
  local ok, err = coroutine.resume(running)
  if not ok then
    M.out('not ok - the script stopped: ' .. tostring(err))
    vim.cmd('cquit 1')
  end
end

-- Where Neovim 0.12 draws its built-in inline completions (nvim_create_namespace returns
-- the existing one).
local inline_ns = vim.api.nvim_create_namespace('nvim.lsp.inline_completion')

--- The built-in inline completion's ghost text in the current buffer, and how many marks hold it.
function M.ghost_text()
  local marks = vim.api.nvim_buf_get_extmarks(0, inline_ns, 0, -1, { details = true })
  local texts = {}
  for _, mark in ipairs(marks) do
    for _, chunk in ipairs(mark[4].virt_text or {}) do table.insert(texts, chunk[1]) end
    for _, line in ipairs(mark[4].virt_lines or {}) do
      for _, chunk in ipairs(line) do table.insert(texts, chunk[1]) end
    end
  end
  return table.concat(texts, '\n'), #marks
end

function M.buffer_text()
  return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
end

function M.case(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    M.out('ok - ' .. name)
  else
    M.failures = M.failures + 1
    M.out('not ok - ' .. name .. ': ' .. tostring(err))
  end
end

-- Every deprecated Neovim API called from now on, also the ones that do not warn yet.
M.deprecated = {}
if vim.deprecate then
  local original_deprecate = vim.deprecate
  vim.deprecate = function(name, ...)
    table.insert(M.deprecated, name .. '\n' .. debug.traceback('', 2))
    return original_deprecate(name, ...)
  end
end

--- The case that checks no deprecated API was called (run it last).
function M.no_deprecated_case()
  M.case('no deprecated Neovim API was called', function()
    M.check(#M.deprecated == 0, 'deprecated calls:\n' .. table.concat(M.deprecated, '\n'))
  end)
end

local version = vim.version()
M.out(string.format('# nvim %d.%d.%d', version.major, version.minor, version.patch))

--- Prints the count of failures and quits with a matching status.
function M.finish()
  M.out(string.format('# %d failed', M.failures))
  if M.failures > 0 then vim.cmd('cquit 1') else vim.cmd('qall!') end
end

return M
