//! Windowing a long list, as plain data: which rows of a lane are mounted (those in or near the
//! viewport, and the pinned ones: the selected card, the focused card, the card keyboard focus
//! moves to) and the spacers that stand for the others. Row heights are the measured ones where
//! a row has been shown, an estimate elsewhere. Nothing here touches the DOM, so it is tested
//! natively; `window_hook` is the hook that measures and listens to scrolling.

/// One piece of a windowed list, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// A mounted row, by index.
    Row(usize),
    /// A spacer for `rows` rows not mounted, `height` pixels tall.
    Gap {
        /// How many rows it stands for.
        rows: usize,
        /// Their heights' sum.
        height: f64,
    },
}

/// The most rows a list mounts at once besides the pinned ones, whatever the viewport says (a
/// zoomed-out page or a huge screen still gets a bounded DOM).
pub const MAX_ROWS: usize = 120;

/// A list of at most this many rows is mounted whole: windowing it would save little, and a
/// teaching scenario's lanes stay plain lists.
pub const SMALL_LIST: usize = 60;

/// The rows `[start, end)` whose extent meets `[top - overscan, bottom + overscan]` (list
/// coordinates: 0 is the list's top), at most [`MAX_ROWS`]. A list scrolled out of view mounts
/// no row (an empty range at the nearer end); a list of at most [`SMALL_LIST`] rows is mounted
/// whole.
pub fn visible_range(heights: &[f64], top: f64, bottom: f64, overscan: f64) -> (usize, usize) {
    if heights.len() <= SMALL_LIST {
        return (0, heights.len());
    }
    let (from, to) = (top - overscan, bottom + overscan);
    let mut y = 0.0;
    let mut start = heights.len();
    let mut end = heights.len();
    for (i, h) in heights.iter().enumerate() {
        let next = y + h;
        if start == heights.len() && next > from {
            start = i;
        }
        if y >= to {
            end = i;
            break;
        }
        y = next;
    }
    let start = start.min(end);
    (start, end.min(start + MAX_ROWS))
}

/// The pieces for the mounted range and the pinned rows (each mounted where it belongs, with
/// spacers between), in order. Pinned indices out of bounds are ignored.
pub fn pieces(heights: &[f64], range: (usize, usize), pinned: &[usize]) -> Vec<Piece> {
    let n = heights.len();
    let (start, end) = (range.0.min(n), range.1.min(n));
    let mut rows: Vec<usize> = (start..end)
        .chain(pinned.iter().copied().filter(|&i| i < n))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let mut out = Vec::with_capacity(rows.len() + 2);
    let mut next = 0;
    let gap = |from: usize, to: usize| Piece::Gap {
        rows: to - from,
        height: heights.get(from..to).map_or(0.0, |h| h.iter().sum()),
    };
    for row in rows {
        if row > next {
            out.push(gap(next, row));
        }
        out.push(Piece::Row(row));
        next = row + 1;
    }
    if next < n {
        out.push(gap(next, n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_near_the_viewport_are_mounted() {
        let heights = vec![100.0; 1000];
        // Viewport 250..550 with 100 px overscan: rows 1 (100..200) to 6 (600..700).
        assert_eq!(visible_range(&heights, 250.0, 550.0, 100.0), (1, 7));
        // At the top.
        assert_eq!(visible_range(&heights, 0.0, 300.0, 0.0), (0, 3));
        // The list is below the viewport (its top is 400 px under the viewport's bottom).
        assert_eq!(visible_range(&heights, -1200.0, -400.0, 100.0), (0, 0));
        // The list is above the viewport: nothing, at the end.
        assert_eq!(
            visible_range(&heights, 200_000.0, 200_800.0, 100.0),
            (1000, 1000)
        );
        // An empty list.
        assert_eq!(visible_range(&[], 0.0, 800.0, 100.0), (0, 0));
    }

    #[test]
    fn a_short_list_is_mounted_whole_wherever_it_is() {
        let heights = vec![100.0; SMALL_LIST];
        assert_eq!(
            visible_range(&heights, -5000.0, -4000.0, 0.0),
            (0, SMALL_LIST)
        );
        let longer = vec![100.0; SMALL_LIST + 1];
        assert_eq!(visible_range(&longer, -5000.0, -4000.0, 0.0), (0, 0));
    }

    #[test]
    fn a_huge_viewport_mounts_a_bounded_number_of_rows() {
        let heights = vec![10.0; 5000];
        let (start, end) = visible_range(&heights, 0.0, 40_000.0, 0.0);
        assert_eq!((start, end - start), (0, MAX_ROWS));
    }

    #[test]
    fn measured_heights_move_the_window() {
        let mut heights = vec![100.0; 100];
        heights[0] = 500.0;
        // Rows: 0..500, 500..600, 600..700, ...
        assert_eq!(visible_range(&heights, 550.0, 650.0, 0.0), (1, 3));
    }

    #[test]
    fn spacers_stand_for_the_rows_not_mounted_and_pinned_rows_stay() {
        let heights = vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0];
        assert_eq!(
            pieces(&heights, (2, 4), &[]),
            vec![
                Piece::Gap {
                    rows: 2,
                    height: 30.0
                },
                Piece::Row(2),
                Piece::Row(3),
                Piece::Gap {
                    rows: 2,
                    height: 110.0
                },
            ]
        );
        // The selected row 5 stays mounted, out of the window; a pinned row inside it (3) is
        // mounted once; one out of bounds is ignored.
        assert_eq!(
            pieces(&heights, (0, 2), &[5, 3, 1, 99]),
            vec![
                Piece::Row(0),
                Piece::Row(1),
                Piece::Gap {
                    rows: 1,
                    height: 30.0
                },
                Piece::Row(3),
                Piece::Gap {
                    rows: 1,
                    height: 50.0
                },
                Piece::Row(5),
            ]
        );
        // Every row is accounted for, mounted or in a spacer.
        let all = pieces(&heights, (1, 3), &[5]);
        let count: usize = all
            .iter()
            .map(|p| match p {
                Piece::Row(_) => 1,
                Piece::Gap { rows, .. } => *rows,
            })
            .sum();
        assert_eq!(count, heights.len());
        assert!(pieces(&[], (0, 0), &[0]).is_empty());
    }
}
