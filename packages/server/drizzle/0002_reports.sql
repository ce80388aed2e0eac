CREATE TABLE "election_stages" (
	"election_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"start_date" text NOT NULL,
	"end_date" text NOT NULL,
	"weight" double precision NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "election_stages_election_id_code_pk" PRIMARY KEY("election_id","code")
);
--> statement-breakpoint
CREATE TABLE "elections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"region_scope" text NOT NULL,
	"template" text,
	"simulated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_channels" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"region_code" text NOT NULL,
	"secret" text NOT NULL,
	"verify_token" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel_id" text NOT NULL,
	"external_id" text NOT NULL,
	"sender" text NOT NULL,
	"text" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"report_id" uuid,
	"province_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"province_code" text NOT NULL,
	"id" uuid NOT NULL,
	"regency_code" text NOT NULL,
	"region_code" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "incidents_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"pillar_code" text NOT NULL,
	"region_code" text NOT NULL,
	"level" smallint NOT NULL,
	"name" text NOT NULL,
	"province_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"province_code" text NOT NULL,
	"id" bigserial NOT NULL,
	"topic" text NOT NULL,
	"region_code" text,
	"payload" jsonb NOT NULL,
	"recipients" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"delivered_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "outbox_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE TABLE "pow_redeemed" (
	"challenge" text PRIMARY KEY NOT NULL,
	"redeemed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_attachments" (
	"province_code" text NOT NULL,
	"id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_attachments_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE TABLE "report_events" (
	"province_code" text NOT NULL,
	"id" bigserial NOT NULL,
	"report_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_name" text,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"comment" text,
	"details" jsonb,
	CONSTRAINT "report_events_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"province_code" text NOT NULL,
	"id" uuid NOT NULL,
	"regency_code" text NOT NULL,
	"district_code" text,
	"region_code" text NOT NULL,
	"election_id" uuid,
	"stage_code" text,
	"category" text,
	"subcategory" text,
	"severity" smallint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"discovered_at" timestamp with time zone NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"involved" text,
	"source" text NOT NULL,
	"tps_id" uuid,
	"lat" double precision,
	"lon" double precision,
	"confidential" boolean DEFAULT false NOT NULL,
	"reporter_id" uuid,
	"reporter_name" text,
	"public_contact" jsonb,
	"receipt_code" text,
	"status" text NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"verified_by" uuid,
	"assigned_org_id" text,
	"escalation_level" text NOT NULL,
	"escalated_at" timestamp with time zone,
	"escalation_reason" text,
	"incident_id" uuid,
	"possible_duplicate_of" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"outcome" text,
	"reject_reason" text,
	"content_hash" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(involved, ''))) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "reports_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
ALTER TABLE "election_stages" ADD CONSTRAINT "election_stages_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_pillar_code_pillars_code_fk" FOREIGN KEY ("pillar_code") REFERENCES "public"."pillars"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "elections_scope_idx" ON "elections" USING btree ("region_scope" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_external_idx" ON "inbound_messages" USING btree ("channel_id","external_id");--> statement-breakpoint
CREATE INDEX "incidents_id_idx" ON "incidents" USING btree ("id");--> statement-breakpoint
CREATE INDEX "incidents_regency_idx" ON "incidents" USING btree ("regency_code","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "organisations_region_idx" ON "organisations" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "organisations_pillar_idx" ON "organisations" USING btree ("pillar_code","region_code");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("available_at") WHERE delivered_at IS NULL;--> statement-breakpoint
CREATE INDEX "report_attachments_report_idx" ON "report_attachments" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_events_report_idx" ON "report_events" USING btree ("report_id","id");--> statement-breakpoint
CREATE INDEX "reports_id_idx" ON "reports" USING btree ("id");--> statement-breakpoint
CREATE INDEX "reports_province_created_idx" ON "reports" USING btree ("province_code","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "reports_regency_created_idx" ON "reports" USING btree ("regency_code","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "reports_district_created_idx" ON "reports" USING btree ("district_code","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "reports_village_created_idx" ON "reports" USING btree ("region_code","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "reports_open_sla_idx" ON "reports" USING btree ("status","created_at") WHERE status IN ('new', 'verified');--> statement-breakpoint
CREATE INDEX "reports_dedup_idx" ON "reports" USING btree ("regency_code","category","occurred_at");--> statement-breakpoint
CREATE INDEX "reports_incident_idx" ON "reports" USING btree ("incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_receipt_idx" ON "reports" USING btree ("receipt_code");--> statement-breakpoint
CREATE INDEX "reports_search_idx" ON "reports" USING gin ("search");