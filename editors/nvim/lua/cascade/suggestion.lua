--- Suggestions: asking for them (textDocument/inlineCompletion), the server's news of
--- them (cascade/suggestion), keeping them in step with the buffer as the user types,
--- drawing them, and accepting, cycling or dismissing them.
local config = require('cascade.config')
local client = require('cascade.client')
local positions = require('cascade.positions')
local status = require('cascade.status')
local ui = require('cascade.ui')

local M = {}

local TRIGGER_INVOKED, TRIGGER_AUTOMATIC = 1, 2
M.TRIGGER_INVOKED, M.TRIGGER_AUTOMATIC = TRIGGER_INVOKED, TRIGGER_AUTOMATIC
local REQUEST_CANCELLED = -32800

--- Where suggested ranges are tracked while the buffer changes.
local range_ns = vim.api.nvim_create_namespace('cascade_range')

--- bufnr -> { items, index, request_id, entry, shown, marks = { {start_id, end_id} },
---            asked = { tick, cursor, uri } (where the request in flight was made),
---            verdict_shown (the verdict came as a cascade/suggestion, before the answer) }
local buffers = {}
--- The state of a buffer, created on first use.
function M.state(bufnr)
  buffers[bufnr] = buffers[bufnr] or { items = {}, index = 1, marks = {} }
  return buffers[bufnr]
end

--- The state of a buffer, or nil when it has none.
function M.existing(bufnr)
  return buffers[bufnr]
end

--- Forgets a buffer (it was detached).
function M.forget(bufnr)
  buffers[bufnr] = nil
end

local function current_buf(bufnr)
  return (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
end

local function starts_with(text, prefix)
  return text:sub(1, #prefix) == prefix
end

--- The text an item inserts.
function M.item_text(item)
  local insert = item.insertText or ''
  if type(insert) == 'table' then insert = insert.value or '' end
  return insert
end

--- The CascadeReport an item carries (data.cascade), or nil.
function M.report_of(item)
  local data = item and item.data
  return type(data) == 'table' and type(data.cascade) == 'table' and data.cascade or nil
end

--- The badge the server sent for an item: its cascade/suggestion badge (the testing
--- mark or the verdict), else the answer's data.badge; nil when it sent none.
function M.badge_of(item)
  if type(item.cascade_badge) == 'table' then return item.cascade_badge end
  local data = item.data
  return type(data) == 'table' and type(data.badge) == 'table' and data.badge or nil
end

--- The ghost text still to show of a suggestion `insert`, as lines, given the buffer
--- from the start of the range it replaces: `typed` runs to the end of the cursor's
--- line, `before` to the start of it. nil when the buffer contradicts the suggestion or
--- nothing is left to show. A blank cursor line (auto-indent) is compared without it,
--- and its indent is not drawn twice.
function M.ghost_lines(insert, typed, before, cursor_line)
  local ghost, strip
  if starts_with(insert, typed) then
    ghost = insert:sub(#typed + 1)
  elseif cursor_line:match('^%s*$') and before then
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
  return lines
end

local function mark_pos(bufnr, id)
  local pos = vim.api.nvim_buf_get_extmark_by_id(bufnr, range_ns, id, {})
  return pos[1], pos[2]
end

--- What accepting item i would do now, with the cursor at (row, col 0-based): the region
--- it replaces and the ghost text still to show, or nil when the buffer contradicts it.
function M.plan(bufnr, state, i, cursor_row)
  local item = state.items[i]
  local marks = state.marks[i]
  if not item or not marks then return nil end
  local sr, sc = mark_pos(bufnr, marks[1])
  local er, ec = mark_pos(bufnr, marks[2])
  if not sr or not er then return nil end
  cursor_row = cursor_row or (vim.api.nvim_win_get_cursor(0)[1] - 1)
  if cursor_row < sr then return nil end
  -- A range ending at column 0 of the cursor's line ends before it (unless it is empty).
  if cursor_row > er or (cursor_row == er and ec == 0 and er > sr) then return nil end
  local cursor_line = positions.line(bufnr, cursor_row) or ''
  local insert = M.item_text(item)
  local lines = M.ghost_lines(insert,
    positions.text_between(bufnr, sr, sc, cursor_row, #cursor_line),
    positions.text_between(bufnr, sr, sc, cursor_row, 0),
    cursor_line)
  if not lines then return nil end
  -- Replace through the end mark or the end of the cursor line, whichever is later.
  local rr, rc = er, ec
  if cursor_row > er or (cursor_row == er and #cursor_line > ec) then
    rr, rc = cursor_row, #cursor_line
  end
  return { item = item, row = cursor_row, lines = lines, start = { sr, sc }, finish = { rr, rc }, insert = insert }
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

--- Draws the current item, or the next one that still fits. When none does it is
--- dismissed, unless its cascade still runs: then it is only hidden.
function M.render(bufnr)
  local state = buffers[bufnr]
  if not state or #state.items == 0 then return end
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.api.nvim_get_current_buf() ~= bufnr then return end
  for offset = 0, #state.items - 1 do
    local i = (state.index - 1 + offset) % #state.items + 1
    local p = M.plan(bufnr, state, i)
    if p then
      state.index = i
      state.shown = p
      local text, group = ui.badge(M.badge_of(p.item), M.report_of(p.item))
      ui.show(bufnr, p.row, p.lines, text, group, { index = i, total = #state.items })
      return
    end
  end
  if state.request_id then hide(bufnr, state) else M.dismiss(bufnr) end
end

--- Makes items the buffer's suggestions, each with extmarks tracking the range it
--- replaces (an item without a range is inserted at the cursor).
function M.place(bufnr, state, entry, items)
  local encoding = client.encoding(entry)
  hide(bufnr, state)
  state.items = items
  state.entry = entry
  local cursor = vim.api.nvim_win_get_cursor(0)
  for i, item in ipairs(items) do
    local range = item.range
    local sr, sc, er, ec
    if type(range) == 'table' then
      sr, sc = positions.to_byte(bufnr, range.start, encoding)
      er, ec = positions.to_byte(bufnr, range['end'], encoding)
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
  if M.item_text(answer) ~= M.item_text(drawn) or not vim.deep_equal(answer.range, drawn.range) then return false end
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
    if kind == TRIGGER_INVOKED then vim.api.nvim_echo({ { 'cascade: no suggestion here', 'None' } }, false, {}) end
    return
  end
  if adopt_answer(state, items) then return end
  M.dismiss(bufnr)
  M.place(bufnr, state, entry, items)
  M.render(bufnr)
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
function M.on_suggestion(entry, params)
  local bufnr, state = awaiting(entry, params)
  if not bufnr or not where_asked(bufnr, state) then return end
  local testing = params.state == 'testing'
  local report = type(params.report) == 'table' and params.report or nil
  local item = type(params.item) == 'table' and params.item or nil
  if not item then
    -- A verdict with nothing to offer takes the candidate down; the answer says the rest.
    if not testing then hide(bufnr, state) end
    return
  end
  M.place(bufnr, state, entry, { {
    insertText = item.insertText,
    range = item.range,
    data = report and { cascade = report } or nil,
    cascade_state = params.state,
    cascade_badge = type(params.badge) == 'table' and params.badge or nil,
  } })
  state.verdict_shown = not testing or nil
  M.render(bufnr)
end

--- Asks the server for suggestions at the cursor. kind: 1 invoked (full cascade, default), 2 automatic.
function M.trigger(kind)
  kind = kind or TRIGGER_INVOKED
  local bufnr = vim.api.nvim_get_current_buf()
  local state = M.state(bufnr)
  M.dismiss(bufnr)
  status.last_error = nil
  client.with_client(bufnr, function(entry, err)
    if not entry then return status.error(err) end
    if not vim.api.nvim_buf_is_valid(bufnr) or vim.api.nvim_get_current_buf() ~= bufnr then return end
    local cursor = vim.api.nvim_win_get_cursor(0)
    local token = client.new_token()
    local tick = vim.api.nvim_buf_get_changedtick(bufnr)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = positions.to_lsp(bufnr, cursor[1] - 1, cursor[2], client.encoding(entry)),
      context = { triggerKind = kind },
      workDoneToken = token,
    }
    status.echo_token = (kind == TRIGGER_INVOKED and config.options.echo_progress) and token or nil
    local request_id
    request_id = client.request(entry, bufnr, 'textDocument/inlineCompletion', params, function(rerr, result)
      if state.request_id ~= request_id then return end
      state.request_id = nil
      status.progress = nil
      pcall(vim.cmd, 'redrawstatus')
      if rerr then
        if rerr.code ~= REQUEST_CANCELLED then
          status.error(rerr.message and rerr.message:find('^cascade:') and rerr.message
            or ('cascade: the suggestion failed: ' .. tostring(rerr.message or vim.inspect(rerr))))
        end
        return
      end
      status.last_error = nil
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
  M.render(bufnr)
end

--- Inserts the shown suggestion and tells the server it was accepted. Returns true when it did.
function M.accept()
  local bufnr = vim.api.nvim_get_current_buf()
  local state = buffers[bufnr]
  if not (state and state.shown) then return false end
  -- Re-plan against the buffer as it is now.
  local p = M.plan(bufnr, state, state.index)
  if not p then M.dismiss(bufnr); return false end
  local entry = state.entry
  local report = M.report_of(p.item)
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
  local command, arguments
  if type(item.command) == 'table' and item.command.command then
    command, arguments = item.command.command, item.command.arguments
  elseif report and report.id then
    command, arguments = 'cascade.accepted', { { id = report.id } }
  end
  if command then
    client.request(entry, bufnr, 'workspace/executeCommand', { command = command, arguments = arguments }, function() end)
  end
  return true
end

--- The displayed suggestion as { text = insertText, report = CascadeReport, state = ... },
--- or nil. While its tests run: report = nil, state = 'testing'; then the report's status.
function M.current()
  local state = buffers[vim.api.nvim_get_current_buf()]
  local p = state and state.shown
  if not p then return nil end
  local report = M.report_of(p.item)
  return { text = p.insert, report = report, state = p.item.cascade_state or (report and report.status) }
end

--- Drops every suggestion whose request was still running (its server has exited).
function M.drop_pending()
  for bufnr, state in pairs(buffers) do
    if state.request_id then
      state.request_id = nil
      M.dismiss(bufnr)
    end
  end
end

return M
