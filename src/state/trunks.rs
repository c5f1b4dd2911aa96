//! The trunk list: every trunk from the last good answer, the filtered and sorted view of it,
//! the selection (kept by trunk_id across refreshes) and the scroll.

use crate::api::Trunk;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    #[default]
    Name,
    Provider,
    Address,
    Numbers,
    Created,
}

impl SortColumn {
    pub const ALL: [SortColumn; 5] = [
        SortColumn::Name,
        SortColumn::Provider,
        SortColumn::Address,
        SortColumn::Numbers,
        SortColumn::Created,
    ];

    pub fn next(self) -> SortColumn {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Provider => "provider",
            SortColumn::Address => "address",
            SortColumn::Numbers => "numbers",
            SortColumn::Created => "created",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TrunkTable {
    pub all: Vec<Trunk>,
    /// Lower-cased text the filter searches, one per trunk, built once per answer.
    haystacks: Vec<String>,
    /// Indices into `all` in sort order, sorted once per answer or sort change.
    order: Vec<usize>,
    /// Indices into `all`, filtered and sorted: what the table shows, in order.
    pub view: Vec<usize>,
    /// Position in `view` of the selected row.
    pub selected: usize,
    /// First visible position in `view`.
    pub offset: usize,
    pub sort: SortColumn,
    pub reverse: bool,
    pub filter: String,
    /// The filter line is taking keys.
    pub filtering: bool,
    /// Whether any answer arrived yet (an empty list differs from one not loaded).
    pub loaded: bool,
    /// The server lists no addresses but the creator's email (the later revision): the
    /// address column shows the email instead. Decided per answer, so it never flips.
    pub by_creator: bool,
}

impl TrunkTable {
    /// Replaces the trunks, keeping the selected trunk (by id) and the scroll where they were.
    pub fn replace(&mut self, trunks: Vec<Trunk>, visible_rows: usize) {
        let keep = self.selected_trunk().map(|t| t.trunk_id.clone());
        self.haystacks = trunks.iter().map(haystack).collect();
        self.by_creator = trunks.iter().all(|t| t.trunk_address.is_none())
            && trunks.iter().any(|t| t.trunk_created_by_email.is_some());
        self.all = trunks;
        self.loaded = true;
        self.resort();
        self.rebuild_view(false);
        match keep {
            Some(id) => {
                if !self.select_id(&id, visible_rows) {
                    self.clamp(visible_rows);
                }
            }
            None => self.clamp(visible_rows),
        }
    }

    pub fn selected_trunk(&self) -> Option<&Trunk> {
        self.view.get(self.selected).and_then(|&i| self.all.get(i))
    }

    /// Selects the trunk with this id if the view shows it; the scroll moves only if needed.
    pub fn select_id(&mut self, id: &str, visible_rows: usize) -> bool {
        match self.view.iter().position(|&i| self.all[i].trunk_id == id) {
            Some(pos) => {
                self.selected = pos;
                self.scroll_into_view(visible_rows);
                true
            }
            None => false,
        }
    }

    /// Moves the selection by `delta` rows, stopping at the ends.
    pub fn move_by(&mut self, delta: isize, visible_rows: usize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.scroll_into_view(visible_rows);
    }

    pub fn select_first(&mut self, visible_rows: usize) {
        self.selected = 0;
        self.scroll_into_view(visible_rows);
    }

    pub fn select_last(&mut self, visible_rows: usize) {
        self.selected = self.view.len().saturating_sub(1);
        self.scroll_into_view(visible_rows);
    }

    pub fn set_filter(&mut self, filter: String, visible_rows: usize) {
        let keep = self.selected_trunk().map(|t| t.trunk_id.clone());
        let before = self.filter.trim().to_lowercase();
        let narrowing = !before.is_empty() && filter.trim().to_lowercase().contains(&before);
        self.filter = filter;
        self.rebuild_view(narrowing);
        self.offset = 0;
        self.selected = 0;
        if let Some(id) = keep {
            self.select_id(&id, visible_rows);
        }
        self.clamp(visible_rows);
    }

    /// Ends typing and keeps the filter; one of spaces alone is dropped, since it filters
    /// nothing and Esc would have nothing to clear.
    pub fn keep_filter(&mut self, visible_rows: usize) {
        self.filtering = false;
        if !self.is_filtered() && !self.filter.is_empty() {
            self.set_filter(String::new(), visible_rows);
        }
    }

    pub fn set_sort(&mut self, sort: SortColumn, reverse: bool, visible_rows: usize) {
        let keep = self.selected_trunk().map(|t| t.trunk_id.clone());
        self.sort = sort;
        self.reverse = reverse;
        self.resort();
        self.rebuild_view(false);
        if let Some(id) = keep {
            self.select_id(&id, visible_rows);
        }
        self.clamp(visible_rows);
    }

    /// Keeps the selection and scroll inside the view after it changed or the window resized.
    pub fn clamp(&mut self, visible_rows: usize) {
        self.selected = self.selected.min(self.view.len().saturating_sub(1));
        let max_offset = self.view.len().saturating_sub(visible_rows.max(1));
        self.offset = self.offset.min(max_offset);
        self.scroll_into_view(visible_rows);
    }

    fn scroll_into_view(&mut self, visible_rows: usize) {
        let rows = visible_rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
    }

    /// Sorts every trunk by the column, then by id, with each trunk's key made once.
    fn resort(&mut self) {
        use std::borrow::Cow;
        let all = &self.all;
        let lower = |s: Option<&String>| s.map(|s| Cow::Owned(s.to_lowercase()));
        let keys: Vec<Option<Cow<str>>> = all
            .iter()
            .map(|t| match self.sort {
                SortColumn::Name => lower(t.trunk_name.as_ref()),
                SortColumn::Address => lower(t.trunk_address.as_ref()),
                SortColumn::Provider => t.trunk_type.as_deref().map(Cow::Borrowed),
                SortColumn::Numbers => t
                    .trunk_numbers
                    .as_ref()
                    .and_then(|n| n.first())
                    .map(|s| Cow::Borrowed(s.as_str())),
                // By the time itself: offsets and `Z` differ in text but not in order.
                SortColumn::Created => t
                    .created_at()
                    .map(|d| Cow::Owned(format!("{:024}", d.unix_timestamp_nanos()))),
            })
            .collect();
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by(|&a, &b| {
            let by_key = match (&keys[a], &keys[b]) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_key.then_with(|| all[a].trunk_id.cmp(&all[b].trunk_id))
        });
        if self.reverse {
            order.reverse();
        }
        self.order = order;
    }

    /// The view is the sorted order, filtered: a keystroke sorts nothing. A filter that
    /// only grew searches the current view, which already holds every possible match.
    fn rebuild_view(&mut self, narrowing: bool) {
        let needle = self.filter.trim().to_lowercase();
        let hay = &self.haystacks;
        self.view = if needle.is_empty() {
            self.order.clone()
        } else if narrowing {
            let mut view = std::mem::take(&mut self.view);
            view.retain(|&i| hay[i].contains(needle.as_str()));
            view
        } else {
            self.order
                .iter()
                .copied()
                .filter(|&i| hay[i].contains(needle.as_str()))
                .collect()
        };
    }

    /// Whether the filter hides anything: spaces alone filter nothing. The one definition
    /// of "filtered", for keys, drawing and geometry alike.
    pub fn is_filtered(&self) -> bool {
        !self.filter.trim().is_empty()
    }

    /// The filter line is shown while typing and while a filter is in force.
    pub fn shows_filter_line(&self) -> bool {
        self.filtering || self.is_filtered()
    }
}

fn haystack(t: &Trunk) -> String {
    let mut h = String::with_capacity(96);
    for part in [
        Some(&t.trunk_id),
        t.trunk_name.as_ref(),
        t.trunk_address.as_ref(),
        t.trunk_type.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        h.push_str(&part.to_lowercase());
        h.push('\u{1F}');
    }
    for n in t.trunk_numbers.iter().flatten() {
        h.push_str(n);
        h.push('\u{1F}');
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trunk(id: &str, name: &str) -> Trunk {
        Trunk {
            trunk_id: id.into(),
            trunk_name: Some(name.into()),
            trunk_address: None,
            trunk_numbers: Some(vec!["+15550100000".into()]),
            trunk_type: Some("twilio".into()),
            trunk_created_at: None,
            trunk_created_by_email: None,
        }
    }

    #[test]
    fn selection_follows_the_id_across_refreshes() {
        let mut t = TrunkTable::default();
        t.replace(vec![trunk("a", "A"), trunk("b", "B"), trunk("c", "C")], 10);
        t.move_by(2, 10);
        assert_eq!(t.selected_trunk().unwrap().trunk_id, "c");
        t.replace(vec![trunk("0", "0"), trunk("a", "A"), trunk("c", "C")], 10);
        assert_eq!(t.selected_trunk().unwrap().trunk_id, "c");
        t.replace(vec![trunk("a", "A")], 10);
        assert_eq!(t.selected_trunk().unwrap().trunk_id, "a");
    }

    #[test]
    fn filter_matches_any_column_and_keeps_selection() {
        let mut t = TrunkTable::default();
        t.replace(vec![trunk("ST_x", "Alpha"), trunk("ST_y", "Beta")], 10);
        t.move_by(1, 10);
        t.set_filter("BET".into(), 10);
        assert_eq!(t.view.len(), 1);
        assert_eq!(t.selected_trunk().unwrap().trunk_id, "ST_y");
        t.set_filter("+1555".into(), 10);
        assert_eq!(t.view.len(), 2);
        // Growing the filter narrows; shrinking it widens again.
        t.set_filter("+15550100000".into(), 10);
        assert_eq!(t.view.len(), 2);
        t.set_filter("st_x".into(), 10);
        t.set_filter("st_xz".into(), 10);
        assert_eq!(t.view.len(), 0);
        t.set_filter("st_".into(), 10);
        assert_eq!(t.view.len(), 2);
        t.set_filter("nothing".into(), 10);
        assert!(t.selected_trunk().is_none());
    }

    #[test]
    fn scrolling_keeps_the_selection_visible() {
        let mut t = TrunkTable::default();
        t.replace(
            (0..100)
                .map(|i| trunk(&format!("{i:03}"), &format!("{i:03}")))
                .collect(),
            10,
        );
        t.move_by(15, 10);
        assert_eq!((t.selected, t.offset), (15, 6));
        t.move_by(-100, 10);
        assert_eq!((t.selected, t.offset), (0, 0));
        t.select_last(10);
        assert_eq!((t.selected, t.offset), (99, 90));
    }
}
