-- Unit tests of the Neovim client's parts, headless and without a server:
--
--   nvim --headless -u NONE -i NONE --cmd 'set rtp^=editors/nvim' -c 'luafile editors/nvim/tests/unit.lua'
--
-- Positions (UTF-16/UTF-32/UTF-8 columns <-> bytes on multibyte lines), what is left to
-- show of a suggestion as the user types (the plan), and how badges are drawn.

local t = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
local case, check, equal = t.case, t.check, t.equal

local positions = require('cascade.positions')
local suggestion = require('cascade.suggestion')
local status = require('cascade.status')
local commands = require('cascade.commands')
local ui = require('cascade.ui')

-- "a", "é" (2 bytes, 1 UTF-16 unit), "😀" (4 bytes, 2 UTF-16 units: a surrogate pair), "b".
local multibyte = 'aé😀b'

case('positions: UTF-16 columns to bytes on a multibyte line, clamped to the line', function()
  check(#multibyte == 8, 'the line is 8 bytes')
  for character, byte in pairs({ [0] = 0, [1] = 1, [2] = 3, [4] = 7, [5] = 8, [6] = 8, [99] = 8 }) do
    equal(positions.byte_col(multibyte, character, 'utf-16'), byte, 'utf-16 character ' .. character)
  end
  -- Inside the surrogate pair: a character boundary either side, never inside the emoji.
  local inside = positions.byte_col(multibyte, 3, 'utf-16')
  check(inside == 3 or inside == 7, 'utf-16 character 3 lands on a boundary, got ' .. inside)
end)

case('positions: UTF-32 and UTF-8 columns to bytes', function()
  for character, byte in pairs({ [0] = 0, [1] = 1, [2] = 3, [3] = 7, [4] = 8, [9] = 8 }) do
    equal(positions.byte_col(multibyte, character, 'utf-32'), byte, 'utf-32 character ' .. character)
  end
  for character, byte in pairs({ [0] = 0, [3] = 3, [8] = 8, [20] = 8 }) do
    equal(positions.byte_col(multibyte, character, 'utf-8'), byte, 'utf-8 character ' .. character)
  end
  equal(positions.byte_col('', 5, 'utf-16'), 0, 'an empty line')
end)

case('positions: bytes to UTF-16, UTF-32 and UTF-8 columns', function()
  for byte, character in pairs({ [0] = 0, [1] = 1, [3] = 2, [7] = 4, [8] = 5, [50] = 5 }) do
    equal(positions.character(multibyte, byte, 'utf-16'), character, 'utf-16 of byte ' .. byte)
  end
  for byte, character in pairs({ [0] = 0, [3] = 2, [7] = 3, [8] = 4 }) do
    equal(positions.character(multibyte, byte, 'utf-32'), character, 'utf-32 of byte ' .. byte)
  end
  equal(positions.character(multibyte, 7, 'utf-8'), 7, 'utf-8 of byte 7')
end)

case('positions: buffer positions round-trip, and a position past the end is the end', function()
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'x = "' .. multibyte .. '"', '    return x' })
  for _, encoding in ipairs({ 'utf-16', 'utf-32', 'utf-8' }) do
    for _, col in ipairs({ 0, 5, 6, 8, 12, 14 }) do
      local lsp = positions.to_lsp(buf, 0, col, encoding)
      local row, back = positions.to_byte(buf, lsp, encoding)
      equal({ row, back }, { 0, col }, encoding .. ' round trip of byte ' .. col)
    end
  end
  equal(positions.to_lsp(buf, 0, 14, 'utf-16'), { line = 0, character = 11 }, 'the end of line 0 in utf-16')
  equal({ positions.to_byte(buf, { line = 7, character = 0 }, 'utf-16') }, { 1, 12 }, 'a line past the end')
  equal({ positions.to_byte(buf, { line = 1, character = 40 }, 'utf-16') }, { 1, 12 }, 'a character past the end')
  equal(positions.text_between(buf, 0, 5, 1, 4), multibyte .. '"\n    ', 'text between two positions')
  equal(positions.text_between(buf, 1, 4, 0, 0), '', 'reversed positions')
  vim.api.nvim_buf_delete(buf, { force = true })
end)

case('plan: typing that matches the suggestion leaves the rest as ghost text', function()
  local insert = '    return a + b\n'
  equal(suggestion.ghost_lines(insert, '    ret', '', '    ret'), { 'urn a + b' }, 'after "    ret"')
  equal(suggestion.ghost_lines(insert, '', '', ''), { '    return a + b' }, 'nothing typed')
  equal(suggestion.ghost_lines('    x = 1\n    return x\n', '    x', '', '    x'), { ' = 1', '    return x' }, 'two lines')
  equal(suggestion.ghost_lines(insert, '    return a + b', '', '    return a + b'), nil, 'all typed: nothing left')
end)

case('plan: typing that contradicts the suggestion drops it', function()
  equal(suggestion.ghost_lines('    return a + b\n', '    x', '', '    x'), nil, 'a contradiction')
  equal(suggestion.ghost_lines('    return a + b\n', '    return a - ', '', '    return a - '), nil, 'a later contradiction')
end)

case('plan: a blank auto-indented line is compared without its indent and not drawn twice', function()
  -- The editor indented the new line by 8; the suggestion's line has 4.
  equal(suggestion.ghost_lines('    return a + b\n', '        ', '', '        '), { 'return a + b' }, 'deeper indent')
  -- Two lines in: the text above must still match.
  equal(suggestion.ghost_lines('    x = 1\n    return x\n', '    x = 1\n      ', '    x = 1\n', '      '), { 'return x' }, 'on the second line')
  equal(suggestion.ghost_lines('    x = 1\n    return x\n', '    y = 1\n  ', '    y = 1\n', '  '), nil, 'text above differs')
end)

case('plan: against a buffer, from a UTF-16 range on a multibyte line', function()
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_set_current_buf(buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'def f():', '    s = "é😀"; ret', '' })
  local state = suggestion.state(buf)
  -- Replaces from after `; ` (UTF-16 character 15: the emoji counts 2) to the end of line 1.
  suggestion.place(buf, state, nil, { {
    insertText = 'return s\n',
    range = { start = { line = 1, character = 15 }, ['end'] = { line = 1, character = 18 } },
  } })
  vim.api.nvim_win_set_cursor(0, { 2, #'    s = "é😀"; ret' })
  local p = suggestion.plan(buf, state, 1)
  check(p, 'the typed "ret" matches')
  equal(p.lines, { 'urn s' }, 'ghost lines')
  equal(p.start, { 1, #'    s = "é😀"; ' }, 'the range starts after the multibyte text')
  equal(p.finish, { 1, #'    s = "é😀"; ret' }, 'and ends at the end of the line')
  vim.api.nvim_buf_set_text(buf, 1, #'    s = "é😀"; ret', 1, #'    s = "é😀"; ret', { 'x' })
  check(suggestion.plan(buf, state, 1) == nil, 'typing "x" contradicts it')
  suggestion.dismiss(buf)
  vim.api.nvim_buf_delete(buf, { force = true })
end)

case('badges: the server text is drawn as it is, in the highlight of its severity', function()
  local text = '✓ 12/12 tests · small · $0.00003 · ~85% cheaper than the last tier alone'
  local report = { status = 'passed', totalCostUSD = 0.00003, baselineCostUSD = 0.0002 }
  local drawn, group = ui.badge({ text = text, severity = 'ok' }, report)
  equal(drawn, text, 'the text')
  equal(group, 'CascadeBadge', 'ok')
  for severity, expected in pairs({
    info = 'CascadeBadgeTesting', warning = 'CascadeBadgeWarning', error = 'CascadeBadgeError', other = 'CascadeBadge',
  }) do
    local _, g = ui.badge({ text = 'x', severity = severity }, nil)
    equal(g, expected, 'severity ' .. severity)
  end
end)

case('badges: a loss shows as a loss, in CascadeBadgeDearer', function()
  local text = '✓ 2/2 tests · medium · $0.0004 · 102% dearer than medium alone'
  local drawn, group = ui.badge({ text = text, severity = 'ok' },
    { status = 'passed', totalCostUSD = 0.000404, baselineCostUSD = 0.0002 })
  equal(drawn, text, 'the text, loss and all')
  equal(group, 'CascadeBadgeDearer', 'the group')
  ui.define_highlights()
  equal(vim.fn.hlexists('CascadeBadgeDearer'), 1, 'the group exists')
end)

case('badges: a server that sends none gets a minimal one from the report', function()
  equal({ ui.badge(nil, { status = 'passed', acceptedTier = 'small', totalCostUSD = 0.0000305 }) },
    { '✓ passed · small · $0.00003', 'CascadeBadge' }, 'passed')
  equal({ ui.badge(nil, { status = 'unverified', acceptedTier = 'medium', totalCostUSD = 0.0004 }) },
    { '? unverified · medium · $0.0004', 'CascadeBadgeWarning' }, 'unverified')
  equal({ ui.badge(nil, { status = 'failed' }) }, { 'failed', 'CascadeBadgeError' }, 'failed')
  equal({ ui.badge(nil, nil) }, { 'no report', 'CascadeBadgeWarning' }, 'no report')
end)

case('badges: a suggestion is drawn with the badge from its data.badge, after the first line', function()
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_set_current_buf(buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'def add(a, b):', '    ' })
  vim.api.nvim_win_set_cursor(0, { 2, 4 })
  local state = suggestion.state(buf)
  suggestion.place(buf, state, nil, { {
    insertText = '    return a + b\n',
    range = { start = { line = 1, character = 0 }, ['end'] = { line = 1, character = 4 } },
    data = { cascade = { status = 'unverified' }, badge = { text = '? unverified · 0/2 tests · small', severity = 'warning' } },
  } })
  suggestion.render(buf)
  local marks = vim.api.nvim_buf_get_extmarks(buf, ui.ns, 0, -1, { details = true })
  equal(#marks, 1, 'one extmark')
  equal(marks[1][4].virt_text, {
    { 'return a + b', 'CascadeSuggestion' }, { '   ? unverified · 0/2 tests · small', 'CascadeBadgeWarning' },
  }, 'ghost text and badge')
  equal(suggestion.current().text, '    return a + b\n', 'the suggestion')
  suggestion.dismiss(buf)
  equal(#vim.api.nvim_buf_get_extmarks(buf, ui.ns, 0, -1, {}), 0, 'dismissed')
  vim.api.nvim_buf_delete(buf, { force = true })
end)

case("statusline: the session's totals as the server sent them, a loss as a loss", function()
  equal(status.describe({ spentUSD = 0.0041, baselineUSD = 0.0141, savedUSD = 0.01 }), '$0.0041 · 71% cheaper', 'a saving')
  equal(status.describe({ spentUSD = 0.0056, baselineUSD = 0.005, savedUSD = -0.0006 }), '$0.0056 · 12% dearer', 'a loss')
  equal(status.describe({ spentUSD = 0, baselineUSD = 0, savedUSD = 0 }), '$0', 'nothing spent')
  local entry = {}
  status.on_report(entry, { session = { requests = 2, spentUSD = 0.0041, baselineUSD = 0.0141, savedUSD = 0.01 } })
  equal(status.statusline(entry), 'cascade $0.0041 · 71% cheaper', 'the statusline')
  status.on_report(entry, { report = {} })
  equal(status.statusline(entry), 'cascade $0.0041 · 71% cheaper', 'a report without a session changes nothing')
  local lines = table.concat(commands.ledger_lines({ requests = 1, spentUSD = 0.0056, baselineUSD = 0.005, savedUSD = -0.0006 }), '\n')
  check(lines:find('lost%s+%$0%.0006 %(12%%%)'), 'the ledger shows the loss:\n' .. lines)
end)

t.no_deprecated_case()
t.finish()
