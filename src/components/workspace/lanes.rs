//! The canvas's lanes as plain data: their order, ids, headings and words.

/// The lanes of the canvas, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// IAM users.
    Users,
    /// IAM groups.
    Groups,
    /// IAM roles.
    Roles,
    /// Customer-managed policies.
    Policies,
    /// AWS-managed policies in use.
    Aws,
    /// Resources with resource-based policies.
    Resources,
}

impl Lane {
    /// Every lane, in order.
    pub const ALL: [Lane; 6] = [
        Lane::Users,
        Lane::Groups,
        Lane::Roles,
        Lane::Policies,
        Lane::Aws,
        Lane::Resources,
    ];

    /// The stable name used in classes, ids and `data-lane`.
    pub fn id(self) -> &'static str {
        match self {
            Lane::Users => "users",
            Lane::Groups => "groups",
            Lane::Roles => "roles",
            Lane::Policies => "policies",
            Lane::Aws => "aws",
            Lane::Resources => "resources",
        }
    }

    /// The lane's heading.
    pub fn title(self) -> &'static str {
        match self {
            Lane::Users => "Users",
            Lane::Groups => "Groups",
            Lane::Roles => "Roles",
            Lane::Policies => "Customer-managed policies",
            Lane::Aws => "AWS-managed policies",
            Lane::Resources => "Resources",
        }
    }

    /// The singular noun for buttons and messages ("Add user").
    pub fn noun(self) -> &'static str {
        match self {
            Lane::Users => "user",
            Lane::Groups => "group",
            Lane::Roles => "role",
            Lane::Policies => "policy",
            Lane::Aws => "AWS-managed policy",
            Lane::Resources => "resource",
        }
    }

    /// The word in the add button's `data-action` ("add-user").
    pub fn action(self) -> &'static str {
        match self {
            Lane::Users => "user",
            Lane::Groups => "group",
            Lane::Roles => "role",
            Lane::Policies => "policy",
            Lane::Aws => "aws-policy",
            Lane::Resources => "resource",
        }
    }

    /// What an empty lane says.
    pub fn empty_text(self) -> &'static str {
        match self {
            Lane::Users => "No users yet. People and programs sign in as users.",
            Lane::Groups => "No groups yet. Groups give their members the same policies.",
            Lane::Roles => "No roles yet. Roles are assumed for temporary credentials.",
            Lane::Policies => "No policies of your own yet.",
            Lane::Aws => {
                "None attached. Find one by name, then drag it onto a user, group or role, \
                 or use a card's Attach policy… button."
            }
            Lane::Resources => {
                "No resources. Add an S3 bucket, SQS queue, SNS topic or KMS key to give it a \
                 resource-based policy, or a VPC endpoint to filter requests through its policy."
            }
        }
    }
}

/// Where a key moves the keyboard focus among the cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The next card of the lane (ArrowDown).
    Next,
    /// The previous card of the lane (ArrowUp).
    Previous,
    /// The first card of the next lane that has cards (ArrowRight).
    NextLane,
    /// The first card of the previous lane that has cards (ArrowLeft).
    PreviousLane,
    /// The lane's first card (Home).
    First,
    /// The lane's last card (End).
    Last,
}

/// The card a move goes to, from `from`, over the lanes' cards in the order they are shown
/// (mounted or not); `None` at an edge or for a card not listed.
pub fn step<T: PartialEq + Clone>(lanes: &[Vec<T>], from: &T, to: Move) -> Option<T> {
    let (lane, at) = lanes
        .iter()
        .enumerate()
        .find_map(|(l, cards)| cards.iter().position(|c| c == from).map(|i| (l, i)))?;
    let cards = lanes.get(lane)?;
    match to {
        Move::Next => cards.get(at + 1).cloned(),
        Move::Previous => at.checked_sub(1).and_then(|i| cards.get(i)).cloned(),
        Move::First => cards.first().cloned(),
        Move::Last => cards.last().cloned(),
        Move::NextLane => lanes.iter().skip(lane + 1).find_map(|l| l.first()).cloned(),
        Move::PreviousLane => lanes
            .iter()
            .take(lane)
            .rev()
            .find_map(|l| l.first())
            .cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_move_within_a_lane_and_across_lanes_skipping_empty_ones() {
        let lanes = vec![vec!["root"], vec!["u1", "u2", "u3"], vec![], vec!["r1"]];
        assert_eq!(step(&lanes, &"u1", Move::Next), Some("u2"));
        assert_eq!(step(&lanes, &"u3", Move::Next), None);
        assert_eq!(step(&lanes, &"u1", Move::Previous), None);
        assert_eq!(step(&lanes, &"u3", Move::Previous), Some("u2"));
        assert_eq!(step(&lanes, &"u2", Move::Last), Some("u3"));
        assert_eq!(step(&lanes, &"u2", Move::First), Some("u1"));
        // The empty lane is skipped both ways.
        assert_eq!(step(&lanes, &"u2", Move::NextLane), Some("r1"));
        assert_eq!(step(&lanes, &"r1", Move::PreviousLane), Some("u1"));
        assert_eq!(step(&lanes, &"root", Move::PreviousLane), None);
        assert_eq!(step(&lanes, &"r1", Move::NextLane), None);
        assert_eq!(step(&lanes, &"nobody", Move::Next), None);
    }
}
