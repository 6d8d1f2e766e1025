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
