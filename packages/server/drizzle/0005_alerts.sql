CREATE TABLE "alert_events" (
	"province_code" text NOT NULL,
	"id" bigserial NOT NULL,
	"alert_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"actor_name" text,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"comment" text,
	CONSTRAINT "alert_events_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"province_code" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"region_code" text NOT NULL,
	"election_id" uuid,
	"stage_code" text,
	"level" text,
	"previous_level" text,
	"score" double precision,
	"severity" smallint,
	"category" text,
	"cause" jsonb NOT NULL,
	"report_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"channels" text[] NOT NULL,
	"is_provisional" boolean NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"desk_id" text,
	"changes" jsonb,
	"spike" jsonb,
	"dedupe_key" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "alerts_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE INDEX "alert_events_alert_idx" ON "alert_events" USING btree ("alert_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_dedupe_idx" ON "alerts" USING btree ("province_code","dedupe_key");--> statement-breakpoint
CREATE INDEX "alerts_id_idx" ON "alerts" USING btree ("id");--> statement-breakpoint
CREATE INDEX "alerts_created_idx" ON "alerts" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "alerts_region_idx" ON "alerts" USING btree ("region_code" text_pattern_ops);