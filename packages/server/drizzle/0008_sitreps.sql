CREATE TABLE "sitrep_sections" (
	"province_code" text NOT NULL,
	"sitrep_id" uuid NOT NULL,
	"code" text NOT NULL,
	"pillar_code" text NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"submitted_by" uuid,
	"submitted_by_name" text,
	"submitted_at" timestamp with time zone,
	"updated_by" uuid,
	"updated_by_name" text,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "sitrep_sections_province_code_sitrep_id_code_pk" PRIMARY KEY("province_code","sitrep_id","code")
);
--> statement-breakpoint
CREATE TABLE "sitrep_templates" (
	"region_code" text PRIMARY KEY NOT NULL,
	"sections" jsonb NOT NULL,
	"distribution" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sitreps" (
	"province_code" text NOT NULL,
	"id" uuid NOT NULL,
	"region_code" text NOT NULL,
	"date" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"status" text NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"numbers" jsonb NOT NULL,
	"numbers_at" timestamp with time zone NOT NULL,
	"distribution" text[] DEFAULT '{}'::text[] NOT NULL,
	"supersedes" uuid,
	"superseded_by" uuid,
	"created_by" uuid,
	"approved_by" uuid,
	"approved_by_name" text,
	"approver_position" text,
	"approved_at" timestamp with time zone,
	"released_by" uuid,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "sitreps_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE TABLE "sla_configs" (
	"version" integer PRIMARY KEY NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"config" jsonb NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sitreps_id_idx" ON "sitreps" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "sitreps_region_date_rev_idx" ON "sitreps" USING btree ("province_code","region_code","date","revision");--> statement-breakpoint
CREATE INDEX "sitreps_region_pattern_idx" ON "sitreps" USING btree ("region_code" text_pattern_ops,"date");--> statement-breakpoint
CREATE INDEX "sitreps_date_idx" ON "sitreps" USING btree ("province_code","date");