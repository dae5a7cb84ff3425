--- Ghost text, the badge, and the ledger window.
local M = {}

M.ns = vim.api.nvim_create_namespace('cascade')

--- Highlight groups; users may override them (default = true keeps theirs).
function M.define_highlights()
  local set = vim.api.nvim_set_hl
  set(0, 'CascadeSuggestion', { link = 'Comment', default = true })
  set(0, 'CascadeBadge', { link = 'DiagnosticHint', default = true })
  set(0, 'CascadeBadgeTesting', { link = 'DiagnosticInfo', default = true })
  set(0, 'CascadeBadgeWarning', { link = 'DiagnosticWarn', default = true })
  set(0, 'CascadeBadgeDearer', { link = 'DiagnosticWarn', default = true })
  set(0, 'CascadeBadgeError', { link = 'DiagnosticError', default = true })
end

--- Dollars with two significant digits and no exponent: 0.0000305 -> "$0.00003".
function M.format_usd(value)
  value = tonumber(value) or 0
  if value == 0 then return '$0' end
  local decimals = math.max(2, 1 - math.floor(math.log10(math.abs(value))))
  local text = string.format('%.' .. decimals .. 'f', value)
  if text:find('%.') then
    text = text:gsub('0+$', ''):gsub('%.$', '')
  end
  return '$' .. text
end

--- The highlight group of each severity a badge can have.
M.severity_groups = {
  info = 'CascadeBadgeTesting', ok = 'CascadeBadge', warning = 'CascadeBadgeWarning', error = 'CascadeBadgeError',
}

--- True when the report says the cascade cost more than its last tier alone would have.
local function is_loss(report)
  if type(report) ~= 'table' then return false end
  local spent, baseline = tonumber(report.totalCostUSD), tonumber(report.baselineCostUSD)
  return spent ~= nil and baseline ~= nil and baseline > 0 and spent > baseline
end

--- The badge for a report with no badge of its own (a server older than the badges):
--- only what the report says outright, e.g. "✓ passed · small · $0.00003".
function M.fallback_badge(report)
  if type(report) ~= 'table' then return { text = 'no report', severity = 'warning' } end
  local status = type(report.status) == 'string' and report.status or 'unknown'
  local marks = { passed = '✓ passed', cached = '✓ cached', unverified = '? unverified' }
  local parts = { marks[status] or status }
  if type(report.acceptedTier) == 'string' then table.insert(parts, report.acceptedTier) end
  if tonumber(report.totalCostUSD) then table.insert(parts, M.format_usd(report.totalCostUSD)) end
  local severities = { passed = 'ok', cached = 'ok', unverified = 'warning' }
  return { text = table.concat(parts, ' · '), severity = severities[status] or 'error' }
end

--- The text and highlight group to draw for a badge ({ text, severity }) as the server
--- sent it; without one, the fallback built from `report`. A passed badge whose report
--- cost more than the last tier alone ("… dearer than medium alone") uses
--- CascadeBadgeDearer.
function M.badge(badge, report)
  if type(badge) ~= 'table' or type(badge.text) ~= 'string' then badge = M.fallback_badge(report) end
  local group = M.severity_groups[badge.severity] or 'CascadeBadge'
  if group == 'CascadeBadge' and is_loss(report) then group = 'CascadeBadgeDearer' end
  return badge.text, group
end

--- Inline virtual text (text pushed right, not drawn over) exists from Neovim 0.10; probe once.
local inline_supported
function M.supports_inline()
  if inline_supported == nil then
    local buf = vim.api.nvim_create_buf(false, true)
    inline_supported = pcall(vim.api.nvim_buf_set_extmark, buf, M.ns, 0, 0,
      { virt_text = { { '' } }, virt_text_pos = 'inline' })
    vim.api.nvim_buf_delete(buf, { force = true })
  end
  return inline_supported
end

function M.clear(bufnr)
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

--- Draws a suggestion: `lines[1]` after the end of `row`, the rest as virtual lines
--- below it, the badge (text, highlight group) after the first line. Returns the extmark id.
function M.show(bufnr, row, lines, badge, badge_group, position)
  M.clear(bufnr)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  if position and position.index and position.total and position.total > 1 then
    badge = string.format('%s · %d/%d', badge, position.index, position.total)
  end
  local first = { { lines[1] or '', 'CascadeSuggestion' }, { '   ' .. badge, badge_group } }
  local opts = { virt_text = first, hl_mode = 'combine' }
  if M.supports_inline() then
    opts.virt_text_pos = 'inline'
  else
    -- Drawn at the end of the line, without the gap 'eol' leaves.
    opts.virt_text_pos = 'overlay'
  end
  if #lines > 1 then
    local rest = {}
    for i = 2, #lines do
      table.insert(rest, { { lines[i], 'CascadeSuggestion' } })
    end
    opts.virt_lines = rest
  end
  return vim.api.nvim_buf_set_extmark(bufnr, M.ns, row, #line, opts)
end

--- Shows lines in a centred floating window closed by q or <Esc>; returns win, buf.
function M.float(title, lines)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].filetype = 'cascadeledger'
  local width = #title + 4
  for _, l in ipairs(lines) do width = math.max(width, vim.fn.strdisplaywidth(l) + 2) end
  local height = #lines
  local opts = {
    relative = 'editor',
    width = math.min(width, math.max(20, vim.o.columns - 4)),
    height = math.min(height, math.max(3, vim.o.lines - 4)),
    row = math.max(0, math.floor((vim.o.lines - height) / 2) - 1),
    col = math.max(0, math.floor((vim.o.columns - width) / 2)),
    style = 'minimal',
    border = 'rounded',
  }
  local win = vim.api.nvim_open_win(buf, true, opts)
  for _, key in ipairs({ 'q', '<Esc>' }) do
    vim.api.nvim_buf_set_keymap(buf, 'n', key, '<Cmd>close<CR>', { noremap = true, silent = true })
  end
  return win, buf
end

return M
