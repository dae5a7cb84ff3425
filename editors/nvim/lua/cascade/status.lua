--- What the statusline shows: the cascade's step while one runs, the last error, and
--- the session's totals as the server last sent them (cascade/report's `session`).
local ui = require('cascade.ui')

local M = {
  --- The step of the cascade running now (from $/progress), or nil.
  progress = nil,
  --- The last error shown to the user, or nil (cleared by the next request).
  last_error = nil,
  --- The progress token whose steps are echoed (an invoked request's), or nil.
  echo_token = nil,
}

--- Server entry -> its session totals ({ requests, spentUSD, baselineUSD, savedUSD, ... }).
local sessions = setmetatable({}, { __mode = 'k' })
--- The entry whose totals came last.
local latest = setmetatable({}, { __mode = 'v' })

--- Keeps the session totals a cascade/report carries.
function M.on_report(entry, params)
  if entry and type(params) == 'table' and type(params.session) == 'table' then
    sessions[entry] = params.session
    latest.entry = entry
  end
end

--- The totals of `entry`'s server, else of the server that reported last, or nil.
function M.session(entry)
  return (entry and sessions[entry]) or (latest.entry and sessions[latest.entry]) or nil
end

--- "$0.0041 · 71% cheaper" (or "· 12% dearer": a loss shows as a loss) for session totals.
function M.describe(session)
  local spent = tonumber(session.spentUSD) or 0
  local baseline = tonumber(session.baselineUSD) or 0
  local saved = tonumber(session.savedUSD) or (baseline - spent)
  local text = ui.format_usd(spent)
  if baseline > 0 then
    local percent = math.floor(math.abs(saved) / baseline * 100 + 0.5)
    if percent > 0 then
      text = text .. string.format(' · %d%% %s', percent, saved > 0 and 'cheaper' or 'dearer')
    end
  end
  return text
end

--- The statusline text; `entry` is the current buffer's server, if any.
function M.statusline(entry)
  if M.progress then return 'cascade ⟳ ' .. M.progress end
  if M.last_error then return 'cascade ✗' end
  local session = M.session(entry)
  if not session then return 'cascade' end
  return 'cascade ' .. M.describe(session)
end

--- Records and shows an error the user should see.
function M.error(message)
  M.last_error = message
  M.progress = nil
  vim.schedule(function()
    vim.notify(message, vim.log.levels.ERROR)
    pcall(vim.cmd, 'redrawstatus')
  end)
end

--- $/progress: the step of a running cascade; echoed for the request that asked for it.
function M.on_progress(token, value)
  if value.kind == 'end' then
    M.progress = nil
  else
    local text = value.message or value.title
    if text and text ~= vim.NIL then
      M.progress = value.percentage and string.format('%s (%d%%)', text, value.percentage) or text
    end
  end
  if M.echo_token and token == M.echo_token then
    vim.api.nvim_echo({ { M.progress and ('cascade: ' .. M.progress) or '', 'None' } }, false, {})
  end
  pcall(vim.cmd, 'redrawstatus')
end

return M
