--- Cascade for Neovim: verified, priced inline suggestions from `cascade lsp`.
--- Public API: setup, trigger, accept, dismiss, next, generate,
--- insert_tests, ledger, suggestion, statusline.
local config = require('cascade.config')
local client = require('cascade.client')
local ui = require('cascade.ui')

local M = {}

local TRIGGER_INVOKED, TRIGGER_AUTOMATIC = 1, 2
local REQUEST_CANCELLED = -32800

--- Where suggested ranges are tracked while the buffer changes.
local range_ns = vim.api.nvim_create_namespace('cascade_range')

--- bufnr -> { items, index, request_id, entry, shown, marks = { {start_id, end_id} },
---            asked = { tick, cursor, uri } (where the request in flight was made),
---            verdict_shown (the verdict came as a cascade/suggestion, before the answer) }
local buffers = {}
--- report id -> the badge ({ text, severity }) the server sent with its verdict.
local verdict_badges = {}
--- Session state for the statusline.
local session = { spent = 0, baseline = 0, seen = {}, progress = nil, last_error = nil }
local next_token = 0
local did_setup = false

local function buf_state(bufnr)
  buffers[bufnr] = buffers[bufnr] or { items = {}, index = 1, marks = {} }
  return buffers[bufnr]
end

local function current_buf(bufnr)
  return (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
end

local function echo(message, group)
  vim.api.nvim_echo({ { message, group or 'None' } }, false, {})
end

--- Records and shows an error the user should see.
local function report_error(message)
  session.last_error = message
  session.progress = nil
  vim.schedule(function()
    vim.notify(message, vim.log.levels.ERROR)
    pcall(vim.cmd, 'redrawstatus')
  end)
end

-- Positions: the server speaks in the client's offset encoding (utf-16 by default).

local function encoding_of(entry)
  local c = client.client_of(entry)
  return (c and c.offset_encoding) or 'utf-16'
end

local function get_line(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1]
end

--- LSP position -> 0-based (row, byte col), clamped to the buffer.
local function to_byte_pos(bufnr, position, encoding)
  local count = vim.api.nvim_buf_line_count(bufnr)
  local row = position.line or 0
  if row >= count then
    local last = get_line(bufnr, count - 1) or ''
    return count - 1, #last
  end
  local line = get_line(bufnr, row) or ''
  local character = position.character or 0
  local ok, col
  if encoding == 'utf-8' then
    ok, col = true, character
  else
    ok, col = pcall(vim.str_byteindex, line, character, encoding == 'utf-16')
  end
  if not ok or col > #line then col = #line end
  return row, col
end

--- 0-based (row, byte col) -> LSP position.
local function to_lsp_pos(bufnr, row, col, encoding)
  local line = get_line(bufnr, row) or ''
  col = math.min(col, #line)
  if encoding == 'utf-8' then return { line = row, character = col } end
  local utf32, utf16 = vim.str_utfindex(line, col)
  return { line = row, character = encoding == 'utf-16' and utf16 or utf32 }
end

local function mark_pos(bufnr, id)
  local pos = vim.api.nvim_buf_get_extmark_by_id(bufnr, range_ns, id, {})
  return pos[1], pos[2]
end

--- Buffer text between two byte positions.
local function text_between(bufnr, sr, sc, er, ec)
  if er < sr or (er == sr and ec < sc) then return '' end
  local lines = vim.api.nvim_buf_get_lines(bufnr, sr, er + 1, false)
  if #lines == 0 then return '' end
  lines[#lines] = lines[#lines]:sub(1, ec)
  lines[1] = lines[1]:sub(sc + 1)
  return table.concat(lines, '\n')
end

local function starts_with(text, prefix)
  return text:sub(1, #prefix) == prefix
end

local function clear_marks(bufnr, state)
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, range_ns, 0, -1)
  end
  state.marks = {}
end

--- Takes the suggestion off the screen; a request in flight goes on.
local function hide(bufnr, state)
  state.items = {}
  state.index = 1
  state.shown = nil
  state.verdict_shown = nil
  clear_marks(bufnr, state)
  ui.clear(bufnr)
end

--- Forgets the suggestion (and any request in flight) for a buffer.
function M.dismiss(bufnr)
  bufnr = current_buf(bufnr)
  local state = buffers[bufnr]
  if not state then return end
  if state.request_id then
    client.cancel(state.entry, state.request_id)
    state.request_id = nil
  end
  state.asked = nil
  hide(bufnr, state)
end

local function item_text(item)
  local insert = item.insertText or ''
  if type(insert) == 'table' then insert = insert.value or '' end
  return insert
end

--- What accepting item i would do now: the region it replaces and the ghost text
--- still to show, or nil when the buffer contradicts it.
local function plan(bufnr, state, i)
  local item = state.items[i]
  local marks = state.marks[i]
  if not item or not marks then return nil end
  local sr, sc = mark_pos(bufnr, marks[1])
  local er, ec = mark_pos(bufnr, marks[2])
  if not sr or not er then return nil end
  local cursor_row = vim.api.nvim_win_get_cursor(0)[1] - 1
  if cursor_row < sr then return nil end
  local cursor_line = get_line(bufnr, cursor_row) or ''
  -- Text typed so far: from the range start to the end of the cursor's line.
  -- A range ending at column 0 of the cursor's line ends before it (unless it is empty).
  if cursor_row > er or (cursor_row == er and ec == 0 and er > sr) then return nil end
  local typed = text_between(bufnr, sr, sc, cursor_row, #cursor_line)
  local insert = item_text(item)
  local ghost, strip
  if starts_with(insert, typed) then
    ghost = insert:sub(#typed + 1)
  elseif cursor_line:match('^%s*$') then
    -- A blank, auto-indented line: compare without it and draw under its indent.
    local before = text_between(bufnr, sr, sc, cursor_row, 0)
    if not starts_with(insert, before) then return nil end
    ghost = insert:sub(#before + 1)
    strip = #cursor_line
  else
    return nil
  end
  if ghost == '' or ghost == '\n' then return nil end
  local lines = vim.split(ghost, '\n', { plain = true })
  if lines[#lines] == '' then table.remove(lines) end
  if strip and lines[1] then
    local lead = lines[1]:match('^%s*')
    lines[1] = lines[1]:sub(math.min(strip, #lead) + 1)
  end
  -- Replace through the end mark or the end of the cursor line, whichever is later.
  local rr, rc = er, ec
  if cursor_row > er or (cursor_row == er and #cursor_line > ec) then
    rr, rc = cursor_row, #cursor_line
  end
  return { item = item, row = cursor_row, lines = lines, start = { sr, sc }, finish = { rr, rc }, insert = insert }
end

local function report_of(item)
  local data = item and item.data
  return type(data) == 'table' and type(data.cascade) == 'table' and data.cascade or nil
end

--- The badge the server sent for an item: its testing mark or verdict, else nil.
local function server_badge(item)
  if type(item.cascade_badge) == 'table' then return item.cascade_badge end
  local report = report_of(item)
  return report and report.id and verdict_badges[report.id] or nil
end

--- Draws the current item, or the next one that still fits. When none does it is
--- dismissed, unless its cascade still runs: then it is only hidden.
local function render(bufnr)
  local state = buffers[bufnr]
  if not state or #state.items == 0 then return end
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.api.nvim_get_current_buf() ~= bufnr then return end
  for offset = 0, #state.items - 1 do
    local i = (state.index - 1 + offset) % #state.items + 1
    local p = plan(bufnr, state, i)
    if p then
      state.index = i
      state.shown = p
      local badge, group = ui.item_badge(server_badge(p.item), report_of(p.item))
      ui.show(bufnr, p.row, p.lines, badge, group, { index = i, total = #state.items })
      return
    end
  end
  if state.request_id then hide(bufnr, state) else M.dismiss(bufnr) end
end

local function count_report(report)
  if type(report) ~= 'table' or not report.id or session.seen[report.id] then return end
  session.seen[report.id] = true
  session.spent = session.spent + (tonumber(report.totalCostUSD) or 0)
  session.baseline = session.baseline + (tonumber(report.baselineCostUSD) or 0)
end

--- Makes items the buffer's suggestions, each with extmarks tracking the range it replaces.
local function place(bufnr, state, entry, items)
  local encoding = encoding_of(entry)
  hide(bufnr, state)
  state.items = items
  state.entry = entry
  local cursor = vim.api.nvim_win_get_cursor(0)
  for i, item in ipairs(items) do
    local range = item.range
    local sr, sc, er, ec
    if type(range) == 'table' then
      sr, sc = to_byte_pos(bufnr, range.start, encoding)
      er, ec = to_byte_pos(bufnr, range['end'], encoding)
    else
      sr, sc = cursor[1] - 1, cursor[2]
      er, ec = sr, sc
    end
    state.marks[i] = {
      vim.api.nvim_buf_set_extmark(bufnr, range_ns, sr, sc, { right_gravity = false }),
      vim.api.nvim_buf_set_extmark(bufnr, range_ns, er, ec, { right_gravity = true }),
    }
  end
end

--- When the answer repeats the verdict already drawn from cascade/suggestion, takes its
--- item (it carries the accept command) without drawing again; false otherwise.
local function adopt_answer(state, items)
  local shown = state.verdict_shown and state.shown
  if not shown or #items ~= 1 or #state.items ~= 1 then return false end
  local answer, drawn = items[1], shown.item
  if item_text(answer) ~= item_text(drawn) or not vim.deep_equal(answer.range, drawn.range) then return false end
  answer.cascade_badge = drawn.cascade_badge
  state.items = { answer }
  shown.item = answer
  return true
end

local function on_items(bufnr, state, entry, result, kind)
  local items = result
  if type(result) == 'table' and result.items then items = result.items end
  if type(items) ~= 'table' or #items == 0 then
    hide(bufnr, state)
    if kind == TRIGGER_INVOKED then echo('cascade: no suggestion here') end
    return
  end
  count_report(report_of(items[1]))
  if adopt_answer(state, items) then return end
  M.dismiss(bufnr)
  place(bufnr, state, entry, items)
  render(bufnr)
end

--- The in-flight request a cascade/suggestion is about: its buffer and state, or nil
--- for another request's (a stale id, or another document).
local function awaiting(entry, params)
  for bufnr, state in pairs(buffers) do
    if state.request_id ~= nil and state.request_id == params.id and state.entry == entry
      and state.asked and state.asked.uri == params.uri then
      return bufnr, state
    end
  end
  return nil
end

--- True while the buffer and the cursor are as they were when the request was made.
local function where_asked(bufnr, state)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.api.nvim_get_current_buf() ~= bufnr then return false end
  local cursor = vim.api.nvim_win_get_cursor(0)
  return vim.api.nvim_buf_get_changedtick(bufnr) == state.asked.tick
    and cursor[1] == state.asked.cursor[1] and cursor[2] == state.asked.cursor[2]
end

--- cascade/suggestion: a candidate being tested (state "testing"), then the verdict
--- just before the answer. Shown only while nothing moved since the request; the
--- answer itself is then handled like any other.
local function on_suggestion(entry, params)
  local bufnr, state = awaiting(entry, params)
  if not bufnr then return end
  local testing = params.state == 'testing'
  local report = type(params.report) == 'table' and params.report or nil
  local badge = type(params.badge) == 'table' and params.badge or nil
  if not testing and report and report.id and badge then verdict_badges[report.id] = badge end
  if not where_asked(bufnr, state) then return end
  local item = type(params.item) == 'table' and params.item or nil
  if not item then
    -- A verdict with nothing to offer takes the candidate down; the answer says the rest.
    if not testing then hide(bufnr, state) end
    return
  end
  place(bufnr, state, entry, { {
    insertText = item.insertText,
    range = item.range,
    data = report and { cascade = report } or nil,
    cascade_state = params.state,
    cascade_badge = badge,
  } })
  state.verdict_shown = not testing or nil
  render(bufnr)
end

--- Asks the server for suggestions at the cursor. kind: 1 invoked (full cascade, default), 2 automatic.
function M.trigger(kind)
  kind = kind or TRIGGER_INVOKED
  local bufnr = vim.api.nvim_get_current_buf()
  local state = buf_state(bufnr)
  M.dismiss(bufnr)
  session.last_error = nil
  client.with_client(bufnr, function(entry, err)
    if not entry then return report_error(err) end
    if not vim.api.nvim_buf_is_valid(bufnr) or vim.api.nvim_get_current_buf() ~= bufnr then return end
    local cursor = vim.api.nvim_win_get_cursor(0)
    next_token = next_token + 1
    local token = 'cascade-' .. next_token
    local tick = vim.api.nvim_buf_get_changedtick(bufnr)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = to_lsp_pos(bufnr, cursor[1] - 1, cursor[2], encoding_of(entry)),
      context = { triggerKind = kind },
      workDoneToken = token,
    }
    session.echo_token = (kind == TRIGGER_INVOKED and config.options.echo_progress) and token or nil
    local request_id
    request_id = client.request(entry, bufnr, 'textDocument/inlineCompletion', params, function(rerr, result)
      if state.request_id ~= request_id then return end
      state.request_id = nil
      session.progress = nil
      pcall(vim.cmd, 'redrawstatus')
      if rerr then
        if rerr.code ~= REQUEST_CANCELLED then
          report_error(rerr.message and rerr.message:find('^cascade:') and rerr.message
            or ('cascade: the suggestion failed: ' .. tostring(rerr.message or vim.inspect(rerr))))
        end
        return
      end
      session.last_error = nil
      state.asked = nil
      -- An automatic answer for text the user has since changed is stale.
      if kind == TRIGGER_AUTOMATIC and vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
        return hide(bufnr, state)
      end
      on_items(bufnr, state, entry, result, kind)
    end)
    state.request_id = request_id
    state.entry = entry
    state.asked = { tick = tick, cursor = cursor, uri = params.textDocument.uri }
  end)
end

--- Shows the next item (wrapping); with no suggestion shown, asks for one.
function M.next()
  local bufnr = vim.api.nvim_get_current_buf()
  local state = buffers[bufnr]
  if not state or #state.items == 0 then return M.trigger(TRIGGER_INVOKED) end
  state.index = state.index % #state.items + 1
  render(bufnr)
end

local function execute_command(entry, bufnr, command, arguments, callback)
  return client.request(entry, bufnr, 'workspace/executeCommand',
    { command = command, arguments = arguments }, callback or function() end)
end

--- Inserts the shown suggestion and tells the server it was accepted. Returns true when it did.
function M.accept()
  local bufnr = vim.api.nvim_get_current_buf()
  local state = buffers[bufnr]
  local p = state and state.shown
  if not p then return false end
  -- Re-plan against the buffer as it is now.
  p = plan(bufnr, state, state.index)
  if not p then M.dismiss(bufnr); return false end
  local entry = state.entry
  local report = report_of(p.item)
  M.dismiss(bufnr)
  local lines = vim.split(p.insert, '\n', { plain = true })
  vim.api.nvim_buf_set_text(bufnr, p.start[1], p.start[2], p.finish[1], p.finish[2], lines)
  -- Cursor to the end of the inserted text, before a trailing newline.
  local n = #lines
  if n > 1 and lines[n] == '' then n = n - 1 end
  local last_row = p.start[1] + n - 1
  local last_col = (n == 1 and p.start[2] or 0) + #lines[n]
  pcall(vim.api.nvim_win_set_cursor, 0, { last_row + 1, last_col })
  local item = p.item
  if type(item.command) == 'table' and item.command.command then
    execute_command(entry, bufnr, item.command.command, item.command.arguments)
  elseif report and report.id then
    execute_command(entry, bufnr, 'cascade.accepted', { { id = report.id } })
  end
  return true
end

--- The 0-based line and name of the Python `def` at or above a row, or nil.
local function enclosing_def(bufnr, row)
  for r = row, 0, -1 do
    local line = get_line(bufnr, r) or ''
    local name = line:match('^%s*def%s+([%w_]+)') or line:match('^%s*async%s+def%s+([%w_]+)')
    if name then return r, name end
  end
  return nil
end

--- Runs a server command for the function at the cursor that edits the buffer.
--- make_argument(uri, def_row, name) builds the command's single argument object.
local function run_edit_command(command, label, make_argument)
  local bufnr = vim.api.nvim_get_current_buf()
  local row = vim.api.nvim_win_get_cursor(0)[1] - 1
  local def_row, name = enclosing_def(bufnr, row)
  if not def_row then
    return report_error('cascade: ' .. label .. ': put the cursor in a function (no def at or above it)')
  end
  session.last_error = nil
  client.with_client(bufnr, function(entry, err)
    if not entry then return report_error(err) end
    local encoding = encoding_of(entry)
    local uri = vim.uri_from_bufnr(bufnr)
    next_token = next_token + 1
    session.echo_token = config.options.echo_progress and ('cascade-' .. next_token) or nil
    client.request(entry, bufnr, 'workspace/executeCommand', {
      command = command, arguments = { make_argument(uri, def_row, name) }, workDoneToken = 'cascade-' .. next_token,
    }, function(rerr, result)
      session.progress = nil
      if rerr then
        return report_error(string.format('cascade: %s failed: %s', label, tostring(rerr.message)))
      end
      -- Servers may answer with the edit itself instead of sending workspace/applyEdit.
      if type(result) == 'table' and (result.changes or result.documentChanges) then
        vim.lsp.util.apply_workspace_edit(result, encoding)
      elseif type(result) == 'table' and result.applied == false then
        local report = type(result.report) == 'table' and result.report or nil
        return report_error(string.format('cascade: %s found nothing usable%s', label,
          report and (' (' .. ui.badge(report) .. (type(report.reason) == 'string' and ('; ' .. report.reason) or '') .. ')') or ''))
      end
      M._last_command_result = result
    end)
  end)
end

--- Writes the function body from its signature and docstring (cascade.generateFromDocstring).
function M.generate()
  run_edit_command('cascade.generateFromDocstring', 'generate from docstring', function(uri, def_row)
    return { uri = uri, line = def_row }
  end)
end

--- Inserts the tests that validated the function at the cursor (cascade.insertTests).
function M.insert_tests()
  run_edit_command('cascade.insertTests', 'insert tests', function(uri, _, name)
    return { uri = uri, entryPoint = name }
  end)
end

local function ledger_lines(l)
  local lines = { ' Cascade: this session', '' }
  local function row(name, value) table.insert(lines, string.format(' %-10s %s', name, value)) end
  row('requests', tostring(l.requests or 0))
  row('spent', ui.format_usd(l.spentUSD))
  row('baseline', ui.format_usd(l.baselineUSD))
  local saved = tonumber(l.savedUSD) or 0
  local base = tonumber(l.baselineUSD) or 0
  row('saved', ui.format_usd(saved) .. (base > 0 and string.format(' (%d%%)', math.floor(saved / base * 100 + 0.5)) or ''))
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
    if not entry then return report_error(err) end
    client.request(entry, bufnr, 'cascade/ledger', vim.empty_dict(), function(rerr, result)
      if rerr then return report_error('cascade: the ledger request failed: ' .. tostring(rerr.message)) end
      local lines = ledger_lines(result or {})
      M._ledger_win = ui.float('Cascade', lines)
      if on_done then on_done(lines) end
    end)
  end)
end

--- The displayed suggestion as { text = insertText, report = CascadeReport, state = ... },
--- or nil. While its tests run: report = nil, state = 'testing'; then the report's status.
function M.suggestion()
  local state = buffers[vim.api.nvim_get_current_buf()]
  local p = state and state.shown
  if not p then return nil end
  local report = report_of(p.item)
  return { text = p.insert, report = report, state = p.item.cascade_state or (report and report.status) }
end

--- A short status for the statusline: progress while a cascade runs, else the session's cost.
function M.statusline()
  if session.progress then return 'cascade ⟳ ' .. session.progress end
  if session.last_error then return 'cascade ✗' end
  if not next(session.seen) then return 'cascade' end
  local text = 'cascade ' .. ui.format_usd(session.spent)
  if session.baseline > 0 then
    text = text .. string.format(' saved %d%%', math.floor(math.max(0, 1 - session.spent / session.baseline) * 100 + 0.5))
  end
  return text
end

--- The last error shown to the user, or nil (cleared by the next successful request).
function M.last_error() return session.last_error end

-- Server events.

client.hooks.on_progress = function(token, value)
  if value.kind == 'end' then
    session.progress = nil
  else
    local text = value.message or value.title
    if text and text ~= vim.NIL then
      session.progress = value.percentage and string.format('%s (%d%%)', text, value.percentage) or text
    end
  end
  if session.echo_token and token == session.echo_token then
    echo(session.progress and ('cascade: ' .. session.progress) or '')
  end
  pcall(vim.cmd, 'redrawstatus')
end

client.hooks.on_report = function(params)
  count_report(params.report)
  pcall(vim.cmd, 'redrawstatus')
end

client.hooks.on_suggestion = on_suggestion

client.hooks.on_exit = function(_, message, code, signal)
  -- A requested shutdown (exit 0, or SIGTERM from :qa) is not worth a message.
  if (code == 0 and (signal == 0 or signal == nil)) or signal == 15 then return end
  for bufnr, state in pairs(buffers) do
    if state.request_id then
      state.request_id = nil
      M.dismiss(bufnr)
    end
  end
  -- A failed request has usually reported this already.
  if session.last_error ~= message then report_error(message) end
end

-- Buffers.

local timers = {}
local reopen

local function schedule_automatic(bufnr)
  if timers[bufnr] then timers[bufnr]:stop() end
  timers[bufnr] = timers[bufnr] or (vim.uv or vim.loop).new_timer()
  timers[bufnr]:start(config.options.debounce_ms, 0, vim.schedule_wrap(function()
    if vim.api.nvim_get_current_buf() == bufnr and vim.api.nvim_get_mode().mode:sub(1, 1) == 'i' then
      M.trigger(TRIGGER_AUTOMATIC)
    end
  end))
end

local function map_keys(bufnr)
  local keys = config.options.keymaps or {}
  local function map(lhs, fn, desc)
    if lhs then vim.keymap.set('i', lhs, fn, { buffer = bufnr, silent = true, desc = desc }) end
  end
  map(keys.accept, function()
    if not M.accept() then
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys.accept, true, false, true), 'n', false)
    end
  end, 'Cascade: accept suggestion')
  map(keys.next, M.next, 'Cascade: next suggestion')
  map(keys.dismiss, function() M.dismiss() end, 'Cascade: dismiss suggestion')
  map(keys.trigger, function() M.trigger(TRIGGER_INVOKED) end, 'Cascade: ask for a suggestion')
end

--- Sends the buffer's whole text as a didOpen to its server, if one serves it.
reopen = function(bufnr)
  local entry = client.entry_for(bufnr)
  if not entry or not vim.api.nvim_buf_is_loaded(bufnr) then return end
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  if vim.bo[bufnr].eol then text = text .. '\n' end
  client.notify(entry, 'textDocument/didOpen', {
    textDocument = {
      uri = vim.uri_from_bufnr(bufnr),
      languageId = vim.bo[bufnr].filetype,
      version = vim.api.nvim_buf_get_changedtick(bufnr),
      text = text,
    },
  })
end

--- Attaches Cascade to a buffer: keys, change tracking, and the server.
function M.attach(bufnr)
  bufnr = current_buf(bufnr)
  local state = buf_state(bufnr)
  if state.attached then return end
  state.attached = true
  map_keys(bufnr)
  -- Re-check the suggestion after every change, also ones made by scripts.
  vim.api.nvim_buf_attach(bufnr, false, {
    on_lines = function()
      if not buffers[bufnr] then return true end
      if buffers[bufnr].shown then vim.schedule(function() render(bufnr) end) end
    end,
    -- Neovim 0.7 sends didClose but no didOpen when a buffer is reloaded (:edit!):
    -- open it again (a second didOpen merely replaces the text on the server).
    on_reload = function()
      vim.schedule(function() reopen(bufnr) end)
    end,
    -- Neovim detaches every client when a buffer is re-read (:edit!); the FileType
    -- event that follows attaches this buffer again.
    on_detach = function()
      buffers[bufnr] = nil
      client.forget_buffer(bufnr)
    end,
  })
  local group = vim.api.nvim_create_augroup('cascade_buffer_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI' }, {
    group = group, buffer = bufnr,
    callback = function() if state.shown then render(bufnr) end end,
  })
  vim.api.nvim_create_autocmd('TextChangedI', {
    group = group, buffer = bufnr,
    callback = function()
      if config.options.auto_trigger and not state.shown then schedule_automatic(bufnr) end
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufLeave', 'InsertLeave' }, {
    group = group, buffer = bufnr,
    callback = function(args)
      -- Leaving insert mode drops automatic suggestions, not ones asked for from normal mode.
      if args.event == 'BufLeave' or config.options.auto_trigger then M.dismiss(bufnr) end
    end,
  })
  client.with_client(bufnr, function(entry, err)
    if not entry then report_error(err) end
  end)
end

--- Configures the plugin and attaches it to buffers of the configured filetypes.
function M.setup(opts)
  config.merge(opts)
  did_setup = true
  ui.define_highlights()
  local group = vim.api.nvim_create_augroup('cascade', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.options.filetypes,
    callback = function(args) M.attach(args.buf) end,
  })
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = ui.define_highlights })
  vim.api.nvim_create_autocmd('VimLeavePre', { group = group, callback = client.stop_all })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.options.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

--- Makes sure setup ran (commands work with the defaults even without it).
function M.ensure_setup()
  if not did_setup then M.setup({}) end
end

M.TRIGGER_INVOKED, M.TRIGGER_AUTOMATIC = TRIGGER_INVOKED, TRIGGER_AUTOMATIC

return M
