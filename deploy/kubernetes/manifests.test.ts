import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy, type IIngress, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, type IConfigMap, type INamespace, type ISecret, type IService } from 'kubernetes-models/v1';
import { DEFAULT_PORTS, platformSettings, SUBGRAPHS } from '@crm/kit/config.js';
import { loggingSettings } from '@crm/kit/logger.js';
import { checkSettings, ConfigurationError, type SettingsGroup } from '@crm/kit/settings.js';
import { gatewaySettings } from '../../gateway/settings.js';
import { marketingSettings } from '../../subgraphs/marketing/src/settings.js';
import { salesSettings } from '../../subgraphs/sales/src/settings.js';
import { serviceSettings } from '../../subgraphs/service/src/settings.js';

/**
 * deploy/kubernetes checked offline: every document against the Kubernetes API's own schemas (kubernetes-models), and
 * against what the platform needs of it: probes on paths the code serves, the settings the code declares, a PDB and an
 * HPA per Deployment, and a PostgreSQL connection budget that holds at every autoscaler's maximum.
 */

const DIR = 'deploy/kubernetes';
const NAMESPACE = 'crm';
const DEPLOYABLES = ['gateway', ...SUBGRAPHS] as const;
type Deployable = (typeof DEPLOYABLES)[number];

/** What each deployable checks at start-up besides the logging and platform groups (identity has no own settings). */
const OWN_SETTINGS: Record<Deployable, SettingsGroup[]> = {
  gateway: [gatewaySettings],
  identity: [],
  sales: [salesSettings],
  marketing: [marketingSettings],
  service: [serviceSettings],
};
const settingsOf = (name: Deployable): SettingsGroup[] => [loggingSettings, platformSettings, ...OWN_SETTINGS[name]];

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};
interface Manifest {
  file: string;
  doc: Doc;
}

/** Every document of every YAML file of the directory but the kustomization. */
function loadManifests(): Manifest[] {
  return yamlFiles().flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      return { file, doc: document.toJS() as Doc };
    }),
  );
}
const yamlFiles = () =>
  readdirSync(DIR)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .sort();
const kustomization = () => parse(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[]; images?: Array<{ name: string }> };

/** The schema of each kind the platform uses; any other kind is a mistake. */
const SCHEMAS: Record<string, (doc: unknown) => void> = {
  'v1/Namespace': (doc) => new Namespace(doc as INamespace).validate(),
  'v1/Secret': (doc) => new Secret(doc as ISecret).validate(),
  'v1/ConfigMap': (doc) => new ConfigMap(doc as IConfigMap).validate(),
  'v1/Service': (doc) => new Service(doc as IService).validate(),
  'apps/v1/Deployment': (doc) => new Deployment(doc as IDeployment).validate(),
  'autoscaling/v2/HorizontalPodAutoscaler': (doc) => new HorizontalPodAutoscaler(doc as IHorizontalPodAutoscaler).validate(),
  'policy/v1/PodDisruptionBudget': (doc) => new PodDisruptionBudget(doc as IPodDisruptionBudget).validate(),
  'networking.k8s.io/v1/Ingress': (doc) => new Ingress(doc as IIngress).validate(),
  'networking.k8s.io/v1/NetworkPolicy': (doc) => new NetworkPolicy(doc as INetworkPolicy).validate(),
};
const label = ({ doc }: Manifest) => `${doc.kind}/${doc.metadata?.name}`;

function schemaProblems(manifests: Manifest[]): string[] {
  return manifests.flatMap((manifest) => {
    const check = SCHEMAS[`${manifest.doc.apiVersion}/${manifest.doc.kind}`];
    if (!check) return [`${manifest.file}: ${manifest.doc.apiVersion} ${manifest.doc.kind} is not a kind these manifests use`];
    try {
      check(manifest.doc);
      return [];
    } catch (error) {
      return [`${manifest.file} ${label(manifest)}: ${(error as Error).message}`];
    }
  });
}

/** The paths kit/health.ts mounts (`app.get('/health/…')`): the probes must use these. */
const HEALTH_PATHS = [...readFileSync('kit/health.ts', 'utf8').matchAll(/app\.get\('([^']+)'/g)].map((match) => match[1]!);

/** .env.example: every setting the platform has, at its default (tests/settings.test.ts keeps it in step with the code). */
const ENV_EXAMPLE = new Map(
  [...readFileSync('.env.example', 'utf8').matchAll(/^# ([A-Z][A-Z0-9_]*)=(\S*)/gm)].map((match) => [match[1]!, match[2]!] as [string, string]),
);

/** docker-compose.yml's command for each service: the manifests run the same entry points. */
const COMPOSE_COMMANDS = Object.fromEntries(
  Object.entries((parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, { command?: string[] }> }).services).map(
    ([name, service]) => [name, service.command],
  ),
);

const ofKind = <T>(manifests: Manifest[], kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc as unknown as T);
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Boolean(selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value));

/** A container's environment as Kubernetes builds it: envFrom in order, then env on top. */
function environmentOf(manifests: Manifest[], deployment: IDeployment): { env: Record<string, string>; problems: string[] } {
  const container = deployment.spec!.template.spec!.containers[0]!;
  const configMaps = ofKind<IConfigMap>(manifests, 'ConfigMap');
  const secrets = ofKind<ISecret>(manifests, 'Secret');
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const found = configMaps.find((c) => c.metadata?.name === source.configMapRef!.name);
      if (!found) problems.push(`envFrom names ConfigMap ${source.configMapRef.name}, which is not among the manifests`);
      Object.assign(env, found?.data ?? {});
    }
    if (source.secretRef) {
      const found = secrets.find((s) => s.metadata?.name === source.secretRef!.name);
      if (!found) problems.push(`envFrom names Secret ${source.secretRef.name}, which is not among the manifests`);
      Object.assign(env, found?.stringData ?? {});
      for (const key of Object.keys(found?.data ?? {})) env[key] = Buffer.from(found!.data![key]!, 'base64').toString('utf8');
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom) problems.push(`env ${variable.name} uses valueFrom, which this check does not read`);
    env[variable.name] = variable.value ?? '';
  }
  return { env, problems };
}

/** A setting's value in that environment, or its default. */
const settingIn = (env: Record<string, string>, name: string) => env[name] ?? ENV_EXAMPLE.get(name) ?? '';

/** PostgreSQL connections one pod holds at most (see configmap.yaml): its pools, and the job queue's LISTEN. */
function connectionsPerPod(name: Deployable, env: Record<string, string>): number {
  // The bus's pooled connections also LISTEN (kit/bus/postgres-bus.ts): none is held for that alone.
  const bus = settingIn(env, 'EVENT_BUS') === 'postgres' ? Number(settingIn(env, 'BUS_POOL_MAX')) : 0;
  // Durable jobs (kit/jobs.ts) of marketing (messages) and identity (webhooks): JOB_CONCURRENCY working connections and one LISTEN.
  const jobs = name === 'marketing' || name === 'identity' ? Number(settingIn(env, 'JOB_CONCURRENCY')) + 1 : 0;
  // Requests and background work (relay, consumers, jobs' tasks) each have their own pool on the subgraph's database.
  const database = Number(settingIn(env, 'DB_POOL_MAX')) + Number(settingIn(env, 'DB_BACKGROUND_POOL_MAX'));
  return name === 'gateway' ? bus : database + bus + jobs;
}

/** Pods of a Deployment at its autoscaler's maximum, plus the surge of a rolling update. */
function maxPods(deployment: IDeployment, hpa: IHorizontalPodAutoscaler | undefined): number {
  const max = hpa?.spec?.maxReplicas ?? deployment.spec?.replicas ?? 1;
  const surge = deployment.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  return max + (typeof surge === 'number' ? surge : Math.ceil((max * parseInt(surge, 10)) / 100));
}

function connectionBudget(manifests: Manifest[]) {
  const platform = ofKind<IConfigMap>(manifests, 'ConfigMap').find((c) => c.metadata?.name === 'crm-platform');
  const annotations = platform?.metadata?.annotations ?? {};
  const hpas = ofKind<IHorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler');
  const perDeployment = ofKind<IDeployment>(manifests, 'Deployment').map((deployment) => {
    const name = deployment.metadata!.name as Deployable;
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef.name === name);
    const pods = maxPods(deployment, hpa);
    const perPod = connectionsPerPod(name, environmentOf(manifests, deployment).env);
    return { name, pods, perPod, connections: pods * perPod };
  });
  return {
    perDeployment,
    total: perDeployment.reduce((sum, d) => sum + d.connections, 0),
    budget: Number(annotations['open-customer-platform/postgres-connection-budget']),
    maxConnections: Number(annotations['open-customer-platform/postgres-max-connections']),
  };
}

/** Everything the platform needs of its manifests, one line per problem. */
function platformProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const deployments = ofKind<IDeployment>(manifests, 'Deployment');
  const services = ofKind<IService>(manifests, 'Service');
  const hpas = ofKind<IHorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler');
  const pdbs = ofKind<IPodDisruptionBudget>(manifests, 'PodDisruptionBudget');
  const configMaps = ofKind<IConfigMap>(manifests, 'ConfigMap');
  const images = new Set((kustomization().images ?? []).map((image) => image.name));

  for (const manifest of manifests) {
    const where = manifest.doc.kind === 'Namespace' ? manifest.doc.metadata?.name : manifest.doc.metadata?.namespace;
    if (where !== NAMESPACE) problems.push(`${label(manifest)}: is not in the ${NAMESPACE} namespace`);
  }
  const names = deployments.map((d) => d.metadata?.name ?? '').sort();
  if (names.join() !== [...DEPLOYABLES].sort().join()) problems.push(`Deployments are ${names.join(', ')}; expected ${[...DEPLOYABLES].sort().join(', ')}`);

  for (const deployment of deployments) {
    const name = deployment.metadata!.name as Deployable;
    const at = `Deployment/${name}`;
    const spec = deployment.spec!;
    const pod = spec.template.spec!;
    const labels = spec.template.metadata?.labels;
    if (!selects(spec.selector.matchLabels, labels)) problems.push(`${at}: its selector does not select its own pods`);
    if ((spec.replicas ?? 1) < 2) problems.push(`${at}: runs ${spec.replicas ?? 1} replica; at least 2 are needed`);
    if (pod.enableServiceLinks !== false) problems.push(`${at}: enableServiceLinks must be false (SALES_PORT=tcp://… would break the port settings)`);
    if (pod.securityContext?.runAsNonRoot !== true || !(Number(pod.securityContext?.runAsUser) > 0))
      problems.push(`${at}: must run as a numeric non-root user`);
    if (pod.containers.length !== 1) problems.push(`${at}: has ${pod.containers.length} containers; expected one`);
    const container = pod.containers[0]!;

    // The same entry point as docker-compose.yml, compiled from a source file that exists, in the kustomized image.
    const command = container.command ?? [];
    if (JSON.stringify(command) !== JSON.stringify(COMPOSE_COMMANDS[name])) problems.push(`${at}: runs ${command.join(' ')}, not docker-compose's command`);
    const source = command[1]?.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    if (!source || !existsSync(source)) problems.push(`${at}: its entry point ${command[1]} is compiled from nothing in the repository`);
    if (!images.has(container.image ?? '')) problems.push(`${at}: its image ${container.image} is not the one kustomization.yaml sets`);

    const port = container.ports?.find((p) => p.containerPort === DEFAULT_PORTS[name]);
    if (!port) problems.push(`${at}: does not expose port ${DEFAULT_PORTS[name]}`);
    const probes = { readinessProbe: /ready/, livenessProbe: /live/, startupProbe: /live/ } as const;
    for (const [probe, meant] of Object.entries(probes)) {
      const httpGet = container[probe as keyof typeof probes]?.httpGet;
      if (!httpGet) {
        problems.push(`${at}: has no ${probe}`);
        continue;
      }
      if (!HEALTH_PATHS.includes(httpGet.path ?? '') || !meant.test(httpGet.path ?? ''))
        problems.push(`${at}: ${probe} asks ${httpGet.path}, which kit/health.ts does not serve for it (${HEALTH_PATHS.join(', ')})`);
      if (httpGet.port !== port?.containerPort && httpGet.port !== port?.name) problems.push(`${at}: ${probe} asks port ${httpGet.port}, not the service's`);
    }

    const resources = container.resources;
    for (const what of ['cpu', 'memory']) {
      if (!resources?.requests?.[what]) problems.push(`${at}: has no ${what} request`);
      if (!resources?.limits?.[what]) problems.push(`${at}: has no ${what} limit`);
    }
    const security = container.securityContext;
    if (security?.allowPrivilegeEscalation !== false || security?.readOnlyRootFilesystem !== true || !security?.capabilities?.drop?.includes('ALL'))
      problems.push(`${at}: must not escalate privileges, must drop every capability and must have a read-only root filesystem`);

    // Every variable is a setting the code declares, and one this deployable reads.
    const { env, problems: envProblems } = environmentOf(manifests, deployment);
    problems.push(...envProblems.map((problem) => `${at}: ${problem}`));
    const reads = new Set(settingsOf(name).flatMap((group) => Object.keys(group.settings)));
    for (const variable of Object.keys(env)) {
      if (!ENV_EXAMPLE.has(variable)) problems.push(`${at}: sets ${variable}, which is not a setting of the platform (.env.example)`);
      else if (!reads.has(variable)) problems.push(`${at}: sets ${variable}, which ${name} does not read`);
    }

    // Its Service, under the name the other services' <NAME>_URL settings use.
    const service = services.find((s) => s.metadata?.name === name);
    if (!service || !selects(service.spec?.selector, labels)) problems.push(`${at}: has no Service named ${name} selecting its pods`);
    else {
      if (name !== 'gateway' && (service.spec?.type ?? 'ClusterIP') !== 'ClusterIP')
        problems.push(`Service/${name}: a subgraph is reachable inside the cluster only`);
      const servicePort = service.spec?.ports?.[0];
      if (servicePort?.targetPort !== port?.name && servicePort?.targetPort !== port?.containerPort)
        problems.push(`Service/${name}: does not target the container's port`);
      if (name !== 'gateway') {
        const url = configMaps.find((c) => c.metadata?.name === 'crm-platform')?.data?.[`${name.toUpperCase()}_URL`];
        if (url !== `http://${name}:${servicePort?.port}/graphql`)
          problems.push(`ConfigMap/crm-platform: ${name.toUpperCase()}_URL is ${url}, not its Service`);
      }
    }

    // Exactly one PDB and one HPA for it.
    const itsPdbs = pdbs.filter((p) => selects(p.spec?.selector?.matchLabels, labels));
    if (itsPdbs.length !== 1) problems.push(`${at}: ${itsPdbs.length} PodDisruptionBudgets select its pods; expected one`);
    const pdb = itsPdbs[0]?.spec;
    if (pdb && (typeof pdb.minAvailable === 'number' ? pdb.minAvailable >= (spec.replicas ?? 1) : pdb.maxUnavailable === 0))
      problems.push(`${at}: its PodDisruptionBudget lets no pod be evicted (a node could never be drained)`);
    const itsHpas = hpas.filter((h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
    if (itsHpas.length !== 1) problems.push(`${at}: ${itsHpas.length} HorizontalPodAutoscalers scale it; expected one`);
    const hpa = itsHpas[0]?.spec;
    if (hpa) {
      if (hpa.scaleTargetRef.apiVersion !== 'apps/v1') problems.push(`${at}: its HorizontalPodAutoscaler targets ${hpa.scaleTargetRef.apiVersion}`);
      if ((hpa.minReplicas ?? 1) < 2 || hpa.maxReplicas < (hpa.minReplicas ?? 1))
        problems.push(`${at}: its HorizontalPodAutoscaler must keep 2 or more replicas`);
      if ((spec.replicas ?? 1) < (hpa.minReplicas ?? 1) || (spec.replicas ?? 1) > hpa.maxReplicas)
        problems.push(`${at}: replicas outside its autoscaler's range`);
      const cpu = hpa.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization');
      if (!cpu) problems.push(`${at}: its HorizontalPodAutoscaler does not scale on CPU utilisation`);
    }
  }

  // From outside, only the gateway.
  for (const ingress of ofKind<IIngress>(manifests, 'Ingress'))
    for (const rule of ingress.spec?.rules ?? [])
      for (const route of rule.http?.paths ?? [])
        if (route.backend.service?.name !== 'gateway')
          problems.push(`Ingress/${ingress.metadata?.name}: exposes ${route.backend.service?.name}, not the gateway`);
  for (const service of services)
    if (service.metadata?.name !== 'gateway' && ['NodePort', 'LoadBalancer'].includes(service.spec?.type ?? ''))
      problems.push(`Service/${service.metadata?.name}: only the gateway may be exposed`);

  // PostgreSQL connections at every autoscaler's maximum (plus rolling-update surge) within the stated budget.
  const budget = connectionBudget(manifests);
  if (!(budget.budget > 0 && budget.budget <= budget.maxConnections))
    problems.push('ConfigMap/crm-platform: states no connection budget within max_connections');
  if (!Number.isInteger(budget.total)) problems.push(`PostgreSQL: the connections at maxReplicas do not add up (${budget.total})`);
  else if (budget.total > budget.budget)
    problems.push(
      `PostgreSQL: ${budget.total} connections at maxReplicas (${budget.perDeployment.map((d) => `${d.name} ${d.pods}×${d.perPod}`).join(', ')}) exceed the budget of ${budget.budget}`,
    );
  return problems;
}

const allProblems = (manifests: Manifest[]) => [...schemaProblems(manifests), ...platformProblems(manifests)];

describe('deploy/kubernetes', () => {
  const manifests = loadManifests();

  it('applies every manifest of the directory through kustomization.yaml', () => {
    expect([...kustomization().resources].sort()).toEqual(yamlFiles());
  });

  it('holds the platform: namespace, secret template, settings, and per service a Deployment, Service, HPA and PDB', () => {
    const count = (kind: string) => manifests.filter((m) => m.doc.kind === kind).length;
    expect({ Namespace: count('Namespace'), Secret: count('Secret'), Deployment: count('Deployment'), Service: count('Service') }).toEqual({
      Namespace: 1,
      Secret: 1,
      Deployment: 5,
      Service: 5,
    });
    expect({ hpa: count('HorizontalPodAutoscaler'), pdb: count('PodDisruptionBudget') }).toEqual({ hpa: 5, pdb: 5 });
  });

  it.each(loadManifests().map((manifest) => [`${manifest.file} ${label(manifest)}`, manifest] as const))(
    '%s is valid against the Kubernetes API schema',
    (_name, manifest) => {
      expect(schemaProblems([manifest])).toEqual([]);
    },
  );

  it('meets what the platform needs: probes, resources, replicas, PDB, HPA, settings, exposure, connections', () => {
    expect(platformProblems(manifests)).toEqual([]);
  });

  it('probes the health endpoints the code serves', () => {
    expect(HEALTH_PATHS).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });

  it('stays within the stated PostgreSQL connection budget at every autoscaler maximum', () => {
    const budget = connectionBudget(manifests);
    expect(budget.total).toBeGreaterThan(0);
    expect(budget.total).toBeLessThanOrEqual(budget.budget);
    expect(budget.budget).toBeLessThanOrEqual(budget.maxConnections);
  });

  it('ships placeholders that refuse to start, and settings that start once they are filled in', () => {
    const filled = (key: string, value: string) => {
      if (value !== 'CHANGE-ME') return value;
      if (key === 'PLATFORM_SECRET') return 'x'.repeat(32);
      if (key === 'DATABASE_URL') return 'postgres://crm:secret@postgres.example.test:5432/postgres';
      return 'https://login.example.test/realms/crm';
    };
    for (const deployment of ofKind<IDeployment>(manifests, 'Deployment')) {
      const name = deployment.metadata!.name as Deployable;
      const { env } = environmentOf(manifests, deployment);
      let refused: string[] = [];
      try {
        checkSettings(settingsOf(name), env);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        refused = error.problems.map((problem) => problem.split(':')[0]!);
      }
      expect({ name, refused: refused.sort() }).toEqual({
        name,
        refused: name === 'gateway' ? ['AUTH_JWKS_URL', 'DATABASE_URL', 'PLATFORM_SECRET'] : ['DATABASE_URL', 'PLATFORM_SECRET'],
      });
      const ready = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, filled(key, value)]));
      expect(() => checkSettings(settingsOf(name), ready)).not.toThrow();
    }
  });

  /** The checks above must fail when a manifest breaks: each of these breaks one thing. */
  const find = <T>(all: Manifest[], kind: string, name: string) => all.find((m) => m.doc.kind === kind && m.doc.metadata.name === name)!.doc as unknown as T;
  const container = (all: Manifest[], name: string) => find<IDeployment>(all, 'Deployment', name).spec!.template.spec!.containers[0]!;
  const breakages: Array<[string, (all: Manifest[]) => void, RegExp]> = [
    ['no readiness probe', (all) => delete container(all, 'identity').readinessProbe, /Deployment\/identity: has no readinessProbe/],
    [
      'a probe path the code does not serve',
      (all) => (container(all, 'sales').livenessProbe!.httpGet!.path = '/healthz'),
      /sales: livenessProbe asks \/healthz/,
    ],
    ['one replica', (all) => (find<IDeployment>(all, 'Deployment', 'marketing').spec!.replicas = 1), /marketing: runs 1 replica/],
    ['no resource requests', (all) => delete container(all, 'service').resources!.requests, /service: has no cpu request/],
    ['root', (all) => (find<IDeployment>(all, 'Deployment', 'gateway').spec!.template.spec!.securityContext!.runAsNonRoot = false), /gateway: must run as/],
    [
      'an unknown setting',
      (all) => (container(all, 'gateway').env ??= []).push({ name: 'DB_POOL_SIZE', value: '5' }),
      /sets DB_POOL_SIZE, which is not a setting/,
    ],
    [
      'a setting of another service',
      (all) => (container(all, 'identity').env = [{ name: 'SMTP_HOST', value: 'mail' }]),
      /identity: sets SMTP_HOST, which identity does not read/,
    ],
    [
      'a PDB that selects nothing',
      (all) => (find<IPodDisruptionBudget>(all, 'PodDisruptionBudget', 'identity').spec!.selector!.matchLabels!['app.kubernetes.io/name'] = 'identiti'),
      /identity: 0 PodDisruptionBudgets/,
    ],
    [
      'an HPA aimed elsewhere',
      (all) => (find<IHorizontalPodAutoscaler>(all, 'HorizontalPodAutoscaler', 'sales').spec!.scaleTargetRef.name = 'sale'),
      /sales: 0 HorizontalPodAutoscalers/,
    ],
    [
      'too many replicas for the budget',
      (all) => (find<IHorizontalPodAutoscaler>(all, 'HorizontalPodAutoscaler', 'identity').spec!.maxReplicas = 20),
      /exceed the budget/,
    ],
    ['a bigger pool for the same budget', (all) => (find<IConfigMap>(all, 'ConfigMap', 'crm-platform').data!.DB_POOL_MAX = '20'), /exceed the budget/],
    ['service links on', (all) => (find<IDeployment>(all, 'Deployment', 'sales').spec!.template.spec!.enableServiceLinks = true), /sales: enableServiceLinks/],
    ['a subgraph exposed', (all) => (find<IService>(all, 'Service', 'identity').spec!.type = 'LoadBalancer'), /Service\/identity: .*only the gateway/],
    [
      'a port of the wrong type',
      (all) => ((container(all, 'identity').ports![0] as { containerPort: unknown }).containerPort = 'http'),
      /containerPort must be integer/,
    ],
    ['a misspelt kind', (all) => (find<IDeployment>(all, 'Deployment', 'sales').kind = 'Deploymnt' as 'Deployment'), /Deploymnt is not a kind/],
  ];
  it.each(breakages)('fails on %s', (_what, breakIt, expected) => {
    const broken = structuredClone(manifests);
    breakIt(broken);
    expect(allProblems(broken).join('\n')).toMatch(expected);
  });
});
