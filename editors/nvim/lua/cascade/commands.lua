--- The server's commands on the function at the cursor (write its body from its
--- docstring, insert its tests) and the session's ledger.
local config = require('cascade.config')
local client = require('cascade.client')
local status = require('cascade.status')
local ui = require('cascade.ui')

local M = {}

--- Runs a server command that edits the buffer, for the function at the cursor: it
--- gets the buffer's uri and the cursor's 0-based line, and the server finds the
--- function there with its own language support (Python, JavaScript).
local function run_edit_command(command, label)
  local bufnr = vim.api.nvim_get_current_buf()
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  status.last_error = nil
  client.with_client(bufnr, function(entry, err)
    if not entry then return status.error(err) end
    local encoding = client.encoding(entry)
    local token = client.new_token()
    status.echo_token = config.options.echo_progress and token or nil
    client.request(entry, bufnr, 'workspace/executeCommand', {
      command = command,
      arguments = { { uri = vim.uri_from_bufnr(bufnr), line = line } },
      workDoneToken = token,
    }, function(rerr, result)
      status.progress = nil
      if rerr then
        return status.error(string.format('cascade: %s failed: %s', label, tostring(rerr.message)))
      end
      -- Servers may answer with the edit itself instead of sending workspace/applyEdit.
      if type(result) == 'table' and (result.changes or result.documentChanges) then
        vim.lsp.util.apply_workspace_edit(result, encoding)
      elseif type(result) == 'table' and result.applied == false then
        local report = type(result.report) == 'table' and result.report or nil
        local why = ''
        if report then
          why = ' (' .. ui.badge(type(result.badge) == 'table' and result.badge or nil, report)
            .. (type(report.reason) == 'string' and ('; ' .. report.reason) or '') .. ')'
        end
        return status.error(string.format('cascade: %s found nothing usable%s', label, why))
      end
      M.last_result = result
    end)
  end)
end

--- Writes the body of the function at the cursor from its signature and docstring
--- (cascade.generateFromDocstring).
function M.generate()
  run_edit_command('cascade.generateFromDocstring', 'generate from docstring')
end

--- Inserts the tests that validated the function at the cursor (cascade.insertTests).
function M.insert_tests()
  run_edit_command('cascade.insertTests', 'insert tests')
end

--- The lines of the ledger window for a cascade/ledger answer.
function M.ledger_lines(l)
  local lines = { ' Cascade: this session', '' }
  local function row(name, value) table.insert(lines, string.format(' %-10s %s', name, value)) end
  row('requests', tostring(l.requests or 0))
  row('spent', ui.format_usd(l.spentUSD))
  row('baseline', ui.format_usd(l.baselineUSD))
  local saved = tonumber(l.savedUSD) or 0
  local base = tonumber(l.baselineUSD) or 0
  local percent = base > 0 and string.format(' (%d%%)', math.floor(math.abs(saved) / base * 100 + 0.5)) or ''
  -- A loss shows as a loss: escalating can cost more than the last tier alone.
  row(saved < 0 and 'lost' or 'saved', ui.format_usd(math.abs(saved)) .. percent)
  if type(l.accepted) == 'number' then row('accepted', tostring(l.accepted)) end
  if type(l.byTier) == 'table' and next(l.byTier) then
    table.insert(lines, '')
    table.insert(lines, ' by tier')
    local names = vim.tbl_keys(l.byTier)
    table.sort(names)
    for _, name in ipairs(names) do
      local v = l.byTier[name]
      local text
      if type(v) == 'table' then
        local keys = vim.tbl_keys(v)
        table.sort(keys)
        local parts = {}
        for _, k in ipairs(keys) do
          local value = v[k]
          if type(value) == 'number' and k:lower():find('usd') then value = ui.format_usd(value) end
          table.insert(parts, k .. ' ' .. tostring(value))
        end
        text = table.concat(parts, ', ')
      else
        text = tostring(v)
      end
      row('  ' .. name, text)
    end
  end
  return lines
end

--- Shows the session's totals (cascade/ledger) in a floating window; on_done(lines) for scripts.
function M.ledger(on_done)
  local bufnr = vim.api.nvim_get_current_buf()
  client.with_client(bufnr, function(entry, err)
    if not entry then return status.error(err) end
    client.request(entry, bufnr, 'cascade/ledger', vim.empty_dict(), function(rerr, result)
      if rerr then return status.error('cascade: the ledger request failed: ' .. tostring(rerr.message)) end
      local lines = M.ledger_lines(result or {})
      M.ledger_win = ui.float('Cascade', lines)
      if on_done then on_done(lines) end
    end)
  end)
end

return M
