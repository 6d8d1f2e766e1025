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


/** The issue's account sizes (#16): S, M and L. */
export const SHAPES = {
  S: { users: 50, groups: 20, roles: 200, policies: 100 },
  M: { users: 200, groups: 60, roles: 1000, policies: 400 },
  L: { users: 1000, groups: 300, roles: 5000, policies: 2000 },
};

const AWS_MANAGED = ['ReadOnlyAccess', 'ViewOnlyAccess', 'AmazonS3ReadOnlyAccess', 'AWSLambdaBasicExecutionRole', 'PowerUserAccess', 'SecurityAudit'];
const AWS_PATHS = { ViewOnlyAccess: 'job-function/', AWSLambdaBasicExecutionRole: 'service-role/' };
const SLR_SERVICES = ['elasticloadbalancing', 'autoscaling', 'rds', 'ecs', 'organizations', 'sso', 'support', 'trustedadvisor'];

/**
 * An `aws iam get-account-authorization-details` output of a real account's shape: users in
 * groups with tags, inline policies and boundaries; roles of four kinds (service-linked, SSO
 * permission sets under `/aws-reserved/sso.amazonaws.com/`, CI roles trusting a GitHub OIDC
 * provider, cross-account roles with an external id); customer-managed policies with several
 * versions; AWS-managed attachments. `pretty` indents it as the AWS CLI does.
 */
export function realisticAuthorizationDetails({ users, groups, roles, policies }, { seed = 16, pretty = false } = {}) {
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const hex = (n) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const statement = () => {
    const service = pick(Object.keys(SERVICES));
    const s = { Effect: rnd() < 0.1 ? 'Deny' : 'Allow', Action: [`${service}:${pick(SERVICES[service])}`, `${service}:${pick(SERVICES[service])}`], Resource: '*' };
    if (rnd() < 0.15) s.Condition = { StringEquals: { 'aws:PrincipalTag/team': pick(['red', 'blue', 'green']) } };
    return s;
  };
  const doc = (n) => ({ Version: '2012-10-17', Statement: Array.from({ length: n }, statement) });
  const teams = Math.max(1, Math.floor(policies / 40));
  const policyList = Array.from({ length: policies }, (_, i) => {
    const team = i % teams;
    const boundary = i < Math.max(1, Math.floor(policies / 100));
    const name = boundary ? `boundary-${i}` : `app-${i}-access`;
    const path = boundary ? '/boundaries/' : `/teams/team-${team}/`;
    const versions = 1 + Math.floor(rnd() * 3);
    return {
      PolicyName: name,
      PolicyId: `ANPA${String(i).padStart(16, '0')}`,
      Arn: `arn:aws:iam::${ACCOUNT}:policy${path}${name}`,
      Path: path,
      DefaultVersionId: `v${versions}`,
      AttachmentCount: 1,
      PermissionsBoundaryUsageCount: boundary ? 1 : 0,
      IsAttachable: true,
      PolicyVersionList: Array.from({ length: versions }, (_, v) => ({
        Document: doc(v === 0 ? 2 : 1),
        VersionId: `v${versions - v}`,
        IsDefaultVersion: v === 0,
      })),
    };
  });
  const boundaries = policyList.filter((p) => p.Path === '/boundaries/');
  const attachable = policyList.filter((p) => p.Path !== '/boundaries/');
  const attach = (n) => {
    const out = [];
    for (let k = 0; k < n; k++) {
      if (rnd() < 0.12) {
        const name = pick(AWS_MANAGED);
        out.push({ PolicyName: name, PolicyArn: `arn:aws:iam::aws:policy/${AWS_PATHS[name] ?? ''}${name}` });
      } else {
        const p = pick(attachable);
        out.push({ PolicyName: p.PolicyName, PolicyArn: p.Arn });
      }
    }
    return out.filter((a, j) => out.findIndex((b) => b.PolicyArn === a.PolicyArn) === j);
  };
  const groupList = Array.from({ length: groups }, (_, i) => ({
    Path: i % 5 === 0 ? '/admins/' : '/teams/',
    GroupName: `team-${i}`,
    GroupId: `AGPA${String(i).padStart(16, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:group/team-${i}`,
    GroupPolicyList: [],
    AttachedManagedPolicies: attach(1 + Math.floor(rnd() * 3)),
  }));
  const boundaryOf = () => (rnd() < 0.1 && boundaries.length ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: pick(boundaries).Arn } : undefined);
  const userList = Array.from({ length: users }, (_, i) => {
    const person = i % 4 !== 0;
    const groupsOf = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(groupList).GroupName);
    const u = {
      Path: person ? '/people/' : '/service/',
      UserName: person ? `user-${i}` : `svc-${i}`,
      UserId: `AIDA${String(i).padStart(16, '0')}`,
      Arn: `arn:aws:iam::${ACCOUNT}:user/${person ? 'people' : 'service'}/${person ? `user-${i}` : `svc-${i}`}`,
      GroupList: groupsOf.filter((g, j) => groupsOf.indexOf(g) === j),
      UserPolicyList: rnd() < 0.2 ? [{ PolicyName: 'inline', PolicyDocument: doc(1) }] : [],
      AttachedManagedPolicies: attach(Math.floor(rnd() * 2)),
      Tags: [{ Key: 'team', Value: pick(['red', 'blue', 'green']) }, { Key: 'cost-center', Value: `cc-${Math.floor(rnd() * 40)}` }],
    };
    const b = boundaryOf();
    if (b) u.PermissionsBoundary = b;
    return u;
  });
  const trust = (principal, condition) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: principal.Federated ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
  });
  const roleList = Array.from({ length: roles }, (_, i) => {
    let path; let name; let assume; let tags = [];
    switch (i % 4) {
      case 0: {
        const svc = pick(SLR_SERVICES);
        path = `/aws-service-role/${svc}.amazonaws.com/`;
        name = `AWSServiceRoleFor${svc[0].toUpperCase()}${svc.slice(1)}_${i}`;
        assume = trust({ Service: `${svc}.amazonaws.com` });
        break;
      }
      case 1:
        path = '/aws-reserved/sso.amazonaws.com/';
        name = `AWSReservedSSO_PermSet${i % 37}_${hex(16)}`;
        assume = trust({ Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO_${hex(16)}_DO_NOT_DELETE` }, null);
        break;
      case 2:
        path = '/ci/';
        name = `ci-repo-${i}-deploy`;
        assume = trust({ Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, { StringLike: { 'token.actions.githubusercontent.com:sub': `repo:example/repo-${i}:*` } });
        tags = [{ Key: 'repo', Value: `repo-${i}` }];
        break;
      default:
        path = '/cross-account/';
        name = `xacct-${i}`;
        assume = trust({ AWS: `arn:aws:iam::${String(210987654321 + (i % 9))}:root` }, { StringEquals: { 'sts:ExternalId': hex(12) } });
        tags = [{ Key: 'partner', Value: `partner-${i % 9}` }];
    }
    const r = {
      Path: path,
      RoleName: name,
      RoleId: `AROA${String(i).padStart(16, '0')}`,
      Arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
      AssumeRolePolicyDocument: assume,
      InstanceProfileList: [],
      RolePolicyList: rnd() < 0.25 ? [{ PolicyName: 'inline', PolicyDocument: doc(1) }] : [],
      AttachedManagedPolicies: attach(1 + Math.floor(rnd() * 2)),
      Tags: tags,
    };
    const b = i % 4 === 2 ? boundaryOf() : undefined;
    if (b) r.PermissionsBoundary = b;
    return r;
  });
  const out = { UserDetailList: userList, GroupDetailList: groupList, RoleDetailList: roleList, Policies: policyList, IsTruncated: false };
  return pretty ? JSON.stringify(out, null, 4) : JSON.stringify(out);
}

/**
 * The largest account of `shape`'s proportions whose text fits in `maxBytes` (the import's
 * cap): the whole shape when it fits, else every count scaled down by the same factor.
 * Returns the text and the counts used.
 */
export function largestAccountThatFits(shape, maxBytes, options = {}) {
  let factor = 1;
  for (;;) {
    const counts = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, Math.max(1, Math.floor(v * factor))]));
    const text = realisticAuthorizationDetails(counts, options);
    if (Buffer.byteLength(text) <= maxBytes || factor < 0.05) return { text, counts, factor };
    factor *= Math.min(0.95, (maxBytes / Buffer.byteLength(text)) * 0.98);
  }
}
