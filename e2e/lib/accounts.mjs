// Generated accounts for the journeys and benchmarks that need a large one: an
// `aws iam get-account-authorization-details` output, reproducible from a seed.

const ACCOUNT = '123456789012';

/** A small deterministic pseudo-random generator (mulberry32), so the account is reproducible. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = {
  s3: ['GetObject', 'PutObject', 'DeleteObject', 'ListBucket', 'GetBucketPolicy', 'PutBucketPolicy'],
  ec2: ['DescribeInstances', 'RunInstances', 'TerminateInstances', 'StopInstances', 'CreateTags'],
  iam: ['CreateUser', 'DeleteUser', 'AttachRolePolicy', 'PassRole', 'GetRole', 'ListRoles'],
  dynamodb: ['GetItem', 'PutItem', 'DeleteTable', 'Query', 'Scan'],
  sqs: ['SendMessage', 'ReceiveMessage', 'DeleteQueue'],
  kms: ['Decrypt', 'Encrypt', 'CreateGrant'],
  lambda: ['InvokeFunction', 'CreateFunction', 'UpdateFunctionCode'],
};

/**
 * The shape of a real mid-size organization's account for `authorizationDetails(1000, 5000, 16,
 * REAL_ACCOUNT)`: 2,000 customer-managed policies of five versions each in 300 groups, which
 * pretty-prints to about 40 MB, as AWS's CLI writes it.
 */
export const REAL_ACCOUNT = { policies: 2000, versions: 5, statements: 14, olderStatements: 11, groups: 300 };

/**
 * An `aws iam get-account-authorization-details` output of `users` users in groups and `roles`
 * roles, with customer-managed policies, inline policies, boundaries and AWS-managed attachments.
 * `shape` sizes the rest: `policies` customer-managed policies (60) of `versions` versions each
 * (2) whose default version has `statements` statements (3) and the older ones
 * `olderStatements` (2), in `groups` groups (30); the
 * defaults give the files the journeys have always used.
 */
export function authorizationDetails(users, roles, seed = 16, shape = {}) {
  const { policies: policyCount = 60, versions = 2, statements = 3, olderStatements = 2, groups: groupCount = 30 } = shape;
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const statement = () => {
    const service = pick(Object.keys(SERVICES));
    const deny = rnd() < 0.15;
    const action = rnd() < 0.2 ? `${service}:${pick(['Get', 'List', 'Describe', 'Put'])}*` : `${service}:${pick(SERVICES[service])}`;
    const s = { Effect: deny ? 'Deny' : 'Allow', Action: [action, `${service}:${pick(SERVICES[service])}`], Resource: '*' };
    if (rnd() < 0.2) s.Condition = { StringEquals: { 'aws:PrincipalTag/team': pick(['red', 'blue']) } };
    return s;
  };
  const doc = (n) => ({ Version: '2012-10-17', Statement: Array.from({ length: n }, statement) });
  const policies = Array.from({ length: policyCount }, (_, i) => ({
    PolicyName: `team-policy-${i}`,
    PolicyId: `ANPA${String(i).padStart(16, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:policy/teams/team-policy-${i}`,
    Path: '/teams/',
    DefaultVersionId: `v${versions}`,
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    PolicyVersionList: Array.from({ length: versions }, (_, v) => ({
      Document: doc(v === 0 ? statements : olderStatements),
      VersionId: `v${versions - v}`,
      IsDefaultVersion: v === 0,
    })),
  }));
  const attach = (n) => Array.from({ length: n }, () => {
    if (rnd() < 0.1) return { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
    const p = pick(policies);
    return { PolicyName: p.PolicyName, PolicyArn: p.Arn };
  });
  const groups = Array.from({ length: groupCount }, (_, i) => ({
    Path: '/',
    GroupName: `group-${i}`,
    GroupId: `AGPA${String(i).padStart(16, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:group/group-${i}`,
    GroupPolicyList: [],
    AttachedManagedPolicies: attach(2),
  }));
  const userList = Array.from({ length: users }, (_, i) => ({
    Path: '/',
    UserName: `user-${i}`,
    UserId: `AIDA${String(i).padStart(16, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:user/user-${i}`,
    GroupList: [pick(groups).GroupName, pick(groups).GroupName].filter((g, j, a) => a.indexOf(g) === j),
    UserPolicyList: rnd() < 0.3 ? [{ PolicyName: 'inline', PolicyDocument: doc(2) }] : [],
    AttachedManagedPolicies: attach(1),
    Tags: [{ Key: 'team', Value: pick(['red', 'blue']) }],
  }));
  const roleList = Array.from({ length: roles }, (_, i) => ({
    Path: i % 3 === 0 ? '/aws-reserved/sso.amazonaws.com/' : '/',
    RoleName: `role-${i}`,
    RoleId: `AROA${String(i).padStart(16, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    InstanceProfileList: [],
    RolePolicyList: rnd() < 0.4 ? [{ PolicyName: 'inline', PolicyDocument: doc(2) }] : [],
    AttachedManagedPolicies: attach(2),
    Tags: [],
  }));
  return JSON.stringify({ UserDetailList: userList, GroupDetailList: groups, RoleDetailList: roleList, Policies: policies, IsTruncated: false }, null, 2);
}

